"""撤回移交: the keeper recalls a transfer still awaiting receipt (a wrong recipient): the
clue is back to reviewed without a recipient, no longer counted as transferred, the event
says so with ids and status only, and it can be transferred again. Not once signed for,
not by anyone but the office, not without a reason."""

from __future__ import annotations

import json
from typing import Any

from xuncha_shared.testing.contracts import assert_valid_event

from services.clues.tests.api.clue_factories import (
    ALLEGATION,
    BASE,
    PERSON,
    auth,
    step,
    to_status,
    tokens,
    world,
)

REASON = "承办部门选择有误甲乙"


async def transferred_count(client: Any, tok: str) -> int:
    r = await client.get(f"{BASE}/figures", headers=auth(tok))
    assert r.status_code == 200, r.text
    return int(r.json()["total"]["transferred"])


async def test_the_keeper_recalls_a_transfer_awaiting_receipt(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("clues")
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)
    clue = await to_status(client, t, w, "transferred")
    assert clue["allowed_actions"] == ["recall", "receipt", "return"]
    assert await transferred_count(client, t.office) == 1

    recalled = await step(client, t.office, clue, "recall", {"reason": REASON})
    assert recalled["status"] == "reviewed" and recalled["version"] == clue["version"] + 1
    assert recalled["recipient_org_id"] is None and recalled["recipient_kind"] is None
    assert recalled["transferred_at"] is None and recalled["receipt_due_on"] is None
    assert recalled["allowed_actions"] == ["transfer"]
    assert [n["text"] for n in recalled["notes"] if n["kind"] == "recall"] == [REASON]
    assert await transferred_count(client, t.office) == 0
    # The department it was sent to no longer sees it, and cannot sign for it.
    r = await client.get(f"{BASE}/clues/{clue['id']}", headers=auth(t.discipline))
    assert r.status_code == 404

    rows = await db.fetch("SELECT envelope FROM clues.outbox ORDER BY seq")
    envelopes = [json.loads(r["envelope"]) for r in rows]
    (event,) = [e for e in envelopes if e["type"] == "xuncha.clues.clue.transfer_recalled.v1"]
    assert_valid_event(event)
    assert event["data"]["status"] == "reviewed" and event["data"]["recipient_org_id"] is None
    assert event["data"]["recalled_from_org_id"] == str(w.discipline_org)
    text = json.dumps(event, ensure_ascii=False)
    for secret in (PERSON, ALLEGATION, REASON):
        assert secret not in text

    again = await step(
        client, t.office, recalled, "transfer", {"recipient_org_id": str(w.discipline_org)}
    )
    assert again["status"] == "transferred"
    assert await transferred_count(client, t.office) == 1


async def test_a_transfer_is_recalled_only_while_awaiting_receipt_and_only_by_the_office(
    platform: Any, token: Any
) -> None:
    running = await platform("clues")
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)

    accepted = await to_status(client, t, w, "accepted")
    r = await step(client, t.office, accepted, "recall", {"reason": REASON}, expect=409)
    assert r["current_status"] == "accepted" and "recall" not in r["allowed_actions"]

    reviewed = await to_status(client, t, w, "reviewed")
    await step(client, t.office, reviewed, "recall", {"reason": REASON}, expect=409)

    clue = await to_status(client, t, w, "transferred")
    # The recipient cannot recall (it returns instead); a group member does not see the clue.
    await step(client, t.discipline, clue, "recall", {"reason": REASON}, expect=403)
    await step(client, t.member, clue, "recall", {"reason": REASON}, expect=404)
    await step(client, t.office_elsewhere, clue, "recall", {"reason": REASON}, expect=404)
    problem = await step(client, t.office, clue, "recall", {"reason": ""}, expect=422)
    assert problem["field"] == "reason" or any(
        e["field"].endswith("reason") for e in problem["errors"]
    )
    r = await client.get(f"{BASE}/clues/{clue['id']}", headers=auth(t.office))
    assert r.json()["status"] == "transferred"

"""A clue from proposal to closing over REST, with the joint review, the transfer, the
department's receipt, disposal, progress and outcome; illegal moves are 409s naming the
allowed ones; a return goes back to review; reconciliation shows both ledgers' differences."""

from __future__ import annotations

import json
import uuid
from typing import Any

from xuncha_shared.testing.contracts import assert_valid_event

from services.clues.tests.api.clue_factories import (
    ALLEGATION,
    BASE,
    OUTCOME,
    PERSON,
    REVIEW,
    auth,
    proposal,
    propose,
    step,
    to_status,
    tokens,
    world,
)


async def outbox(db: Any) -> list[dict[str, Any]]:
    rows = await db.fetch("SELECT envelope FROM clues.outbox ORDER BY seq")
    envelopes = [json.loads(r["envelope"]) for r in rows]
    for e in envelopes:
        assert_valid_event(e)
    return envelopes


async def test_a_clue_goes_from_proposal_to_closing(platform: Any, token: Any, db: Any) -> None:
    running = await platform("clues")
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)

    receipt = await propose(client, t, w)
    assert set(receipt) == {"id", "status", "version", "proposed_at"}
    assert receipt["status"] == "draft"
    clue_id = receipt["id"]

    r = await client.get(f"{BASE}/clues/{clue_id}", headers=auth(t.office))
    assert r.status_code == 200
    detail = r.json()
    assert detail["person"] == {"name": PERSON, "post": "某镇财政所所长丁戊", "rank": "township"}
    assert detail["allegation"] == ALLEGATION
    assert detail["round_id"] == str(w.round_id) and detail["term_id"] == str(w.term_id)
    assert detail["allowed_actions"] == ["review"]
    assert r.headers["ETag"] == '"1"'

    # Transfer before review: 409 naming what is allowed.
    r = await client.post(
        f"{BASE}/clues/{clue_id}/transfer",
        json={"recipient_org_id": str(w.discipline_org)},
        headers=auth(t.office, 1),
    )
    assert r.status_code == 409
    assert r.json()["allowed_actions"] == ["review"]
    assert r.headers["content-type"].startswith("application/problem+json")
    # The clue's status is an extension member; RFC 9457's "status" stays the HTTP status.
    assert r.json()["status"] == 409 and r.json()["current_status"] == "draft"
    assert r.json()["message_en"] == "Cannot transfer a clue in status draft; allowed: review"

    clue = await step(client, t.office, detail, "review", {**REVIEW, "opinion": "建议初核"})
    assert clue["review"]["supervision_room"] == "第三监督检查室"
    assert clue["keeper_account"] == "keeper-1"
    # A stale If-Match is a 412.
    r = await client.post(
        f"{BASE}/clues/{clue_id}/transfer",
        json={"recipient_org_id": str(w.discipline_org)},
        headers=auth(t.office, 1),
    )
    assert r.status_code == 412
    clue = await step(
        client, t.office, clue, "transfer", {"recipient_org_id": str(w.discipline_org)}
    )
    assert clue["recipient_kind"] == "discipline" and clue["receipt_due_on"]

    # The department returns it for more material; the office reviews it again.
    returned = await step(client, t.discipline, clue, "return", {"reason": "请补充银行流水"})
    assert returned["status"] == "returned"
    r = await client.get(f"{BASE}/clues/{clue_id}", headers=auth(t.discipline))
    assert r.status_code == 404  # no longer with the department
    clue = (await client.get(f"{BASE}/clues/{clue_id}", headers=auth(t.office))).json()
    assert clue["allowed_actions"] == ["review"]
    clue = await step(client, t.office, clue, "review", REVIEW)
    clue = await step(
        client, t.office, clue, "transfer", {"recipient_org_id": str(w.discipline_org)}
    )

    # The department's system signs for it, chooses a disposal, reports progress.
    clue = await step(
        client, t.discipline_service, clue, "receipt", {"received_by": "纪委信访室王某"}
    )
    assert clue["status"] == "accepted" and clue["received_by_name"] == "纪委信访室王某"
    # Closing without an outcome is refused.
    r = await client.post(f"{BASE}/clues/{clue_id}/close", headers=auth(t.office, clue["version"]))
    assert r.status_code == 409 and r.json()["allowed_actions"] == [
        "return",
        "disposal",
        "progress",
    ]
    clue = await step(
        client, t.discipline, clue, "disposal", {"disposal": "preliminary_verification"}
    )
    clue = await step(client, t.discipline, clue, "progress", {"note": "已约谈"})
    assert clue["status"] == "handling" and clue["progress_count"] == 1
    clue = await step(client, t.discipline, clue, "outcome", OUTCOME)
    assert clue["status"] == "concluded"
    assert clue["outcome"]["case_filed"] is True and clue["disposal"] == "case"
    clue = await step(client, t.office, clue, "close")
    assert clue["status"] == "closed" and clue["allowed_actions"] == []
    assert sorted(n["kind"] for n in clue["notes"]) == ["progress", "return", "review"]

    types = [e["type"].split(".")[3] for e in await outbox(db)]
    assert types == [
        "proposed",
        "reviewed",
        "transferred",
        "returned",
        "reviewed",
        "transferred",
        "accepted",
        "disposal_chosen",
        "progress_reported",
        "concluded",
        "closed",
    ]
    concluded = next(e for e in await outbox(db) if e["type"].endswith("concluded.v1"))
    assert concluded["data"]["persons_sanctioned"] == 1
    assert concluded["data"]["recipient_org_id"] == str(w.discipline_org)
    assert concluded["data"]["keeper_account"] == "keeper-1"


async def test_cadre_selection_goes_to_organization_by_default(platform: Any, token: Any) -> None:
    running = await platform("clues")
    client = running.client("clues")
    w = await world(running.apps["clues"])
    t = tokens(token, w)
    clue = await to_status(client, t, w, "reviewed", category="cadre_selection")
    clue = await step(
        client, t.office, clue, "transfer", {"recipient_org_id": str(w.organization_org)}
    )
    assert clue["recipient_kind"] == "organization"
    r = await client.get(f"{BASE}/clues/{clue['id']}", headers=auth(t.organization))
    assert r.status_code == 200


async def test_sources_must_be_known_and_the_groups_own(platform: Any, token: Any) -> None:
    running = await platform("clues")
    client = running.client("clues")
    w = await world(running.apps["clues"])
    t = tokens(token, w)
    r = await client.post(
        f"{BASE}/clues",
        json=proposal(w, source_problem_id=str(uuid.uuid4())),
        headers=auth(t.member),
    )
    assert r.status_code == 422
    problem = r.json()
    assert problem["field"] == "source_problem_id" and "synchronised" in problem["message_en"]
    # Another group's problem: 403.
    r = await client.post(
        f"{BASE}/clues",
        json=proposal(w, source_problem_id=str(w.other_problem_id)),
        headers=auth(t.member),
    )
    assert r.status_code == 403
    # A public report of the member's round is fine.
    body = proposal(w, source_problem_id=None, source_report_id=str(w.report_id))
    r = await client.post(f"{BASE}/clues", json=body, headers=auth(t.member))
    assert r.status_code == 201
    # Both or neither source: 422.
    body = proposal(w, source_report_id=str(w.report_id))
    r = await client.post(f"{BASE}/clues", json=body, headers=auth(t.member))
    assert r.status_code == 422


async def test_keeper_is_assignable_and_the_ledger_exports(platform: Any, token: Any) -> None:
    running = await platform("clues")
    client = running.client("clues")
    w = await world(running.apps["clues"])
    t = tokens(token, w)
    clue = await to_status(client, t, w, "reviewed")
    r = await client.put(
        f"{BASE}/clues/{clue['id']}/keeper",
        json={"keeper_account": "keeper-2"},
        headers=auth(t.office, clue["version"]),
    )
    assert r.status_code == 200 and r.json()["keeper_account"] == "keeper-2"
    r = await client.get(
        f"{BASE}/clues", params={"keeper_account": "keeper-2"}, headers=auth(t.office)
    )
    assert [c["id"] for c in r.json()["items"]] == [clue["id"]]
    assert "person" not in r.json()["items"][0]
    r = await client.get(f"{BASE}/clues/export.xlsx", headers=auth(t.office))
    assert r.status_code == 200 and r.content[:2] == b"PK"


async def test_reconciliation_lists_the_differences(platform: Any, token: Any) -> None:
    running = await platform("clues")
    client = running.client("clues")
    w = await world(running.apps["clues"])
    t = tokens(token, w)
    concluded = await to_status(client, t, w, "concluded")
    transferred = await to_status(client, t, w, "transferred")
    stranger = str(uuid.uuid4())
    ledger = {
        "entries": [
            {
                "clue_id": concluded["id"],
                "status": "concluded",
                "case_filed": True,
                "persons_sanctioned": 2,
                "organizational_handlings": 1,
                "money_recovered_yuan": "52000.00",
            },
            {"clue_id": stranger, "status": "accepted"},
        ]
    }
    r = await client.put(
        f"{BASE}/reconciliation/ledger", json=ledger, headers=auth(t.discipline_service)
    )
    assert r.status_code == 200, r.text
    report = r.json()
    kinds = {(d["clue_id"], d["kind"], d["field"]) for d in report["differences"]}
    assert kinds == {
        (concluded["id"], "mismatch", "persons_sanctioned"),
        (transferred["id"], "missing_in_department", None),
        (stranger, "unknown_to_office", None),
    }
    assert (
        report["office_count"] == 2 and report["department_count"] == 2 and report["matched"] == 0
    )
    # The office reads the same report.
    r = await client.get(
        f"{BASE}/reconciliation",
        params={"recipient_org_id": str(w.discipline_org)},
        headers=auth(t.office),
    )
    assert r.json()["differences"] == report["differences"]
    r = await client.get(f"{BASE}/reconciliation", headers=auth(t.other_department))
    assert r.json()["office_count"] == 0

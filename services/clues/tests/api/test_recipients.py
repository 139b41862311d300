"""A clue is transferred only to a department of its jurisdiction whose designation matches
the recipient kind, never to the org it concerns (ledger.recipients): a random id, the
inspected township itself, a department of the wrong designation, another jurisdiction's
department or one out of scope are refused with a 422 naming ``recipient_org_id``, and the
clue stays reviewed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from xuncha_shared.orgs import DepartmentDesignation, OrgKind

from services.clues.tests.api.clue_factories import (
    BASE,
    auth,
    deliver,
    org_registered,
    to_status,
    tokens,
    world,
)


async def transfer(client: Any, tok: str, clue: dict[str, Any], body: dict[str, Any]) -> Any:
    return await client.post(
        f"{BASE}/clues/{clue['id']}/transfer", json=body, headers=auth(tok, clue["version"])
    )


def assert_refused(r: Any, code: str) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["field"] == "recipient_org_id" and problem["type"].endswith("/" + code)
    assert problem["message_zh"] and problem["message_en"]


async def test_a_clue_is_not_transferred_to_a_random_id_or_the_org_it_concerns(
    platform: Any, token: Any
) -> None:
    running = await platform("clues")
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)
    clue = await to_status(client, t, w, "reviewed")

    r = await transfer(client, t.office, clue, {"recipient_org_id": str(uuid.uuid4())})
    assert_refused(r, "unknown-recipient")
    # The inspected township itself, claimed to be the discipline commission.
    body = {"recipient_org_id": str(w.org_id), "recipient_kind": "discipline"}
    assert_refused(await transfer(client, t.office, clue, body), "recipient-is-concerned-org")

    r = await client.get(f"{BASE}/clues/{clue['id']}", headers=auth(t.office))
    assert r.json()["status"] == "reviewed" and r.json()["recipient_org_id"] is None
    assert r.json()["version"] == clue["version"]


@pytest.mark.parametrize(
    ("recipient", "kind", "code"),
    [
        ("organization_org", "discipline", "recipient-kind-mismatch"),
        ("audit_org", "discipline", "recipient-kind-mismatch"),
        ("discipline_org", "organization", "recipient-kind-mismatch"),
        ("discipline_org", "department", "recipient-kind-mismatch"),
        # No kind: an embezzlement clue goes to discipline by default.
        ("organization_org", None, "recipient-kind-mismatch"),
    ],
)
async def test_the_recipient_department_must_match_the_recipient_kind(
    platform: Any, token: Any, recipient: str, kind: str | None, code: str
) -> None:
    running = await platform("clues")
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)
    clue = await to_status(client, t, w, "reviewed")
    body = {"recipient_org_id": str(getattr(w, recipient)), "recipient_kind": kind}
    r = await transfer(client, t.office, clue, body)
    assert_refused(r, code)
    assert r.json()["recipient_kind"] == (kind or "discipline")


async def test_departments_elsewhere_out_of_scope_or_not_departments_are_refused(
    platform: Any, token: Any
) -> None:
    running = await platform("clues")
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)
    elsewhere, retired, village = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await deliver(
        app,
        org_registered(
            elsewhere, "410825", "温县纪委监委", designation=DepartmentDesignation.discipline
        ),
        org_registered(
            retired,
            w.jurisdiction,
            "原纪工委",
            designation=DepartmentDesignation.discipline,
            active=False,
        ),
        org_registered(village, w.jurisdiction, "陈家沟村", OrgKind.village),
    )
    clue = await to_status(client, t, w, "reviewed")
    for org in (elsewhere, retired):
        r = await transfer(client, t.office, clue, {"recipient_org_id": str(org)})
        assert_refused(r, "unknown-recipient")
    r = await transfer(
        client, t.office, clue, {"recipient_org_id": str(village), "recipient_kind": "department"}
    )
    assert_refused(r, "recipient-kind-mismatch")


async def test_matching_departments_receive_clues(platform: Any, token: Any) -> None:
    running = await platform("clues")
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)
    clue = await to_status(client, t, w, "reviewed")
    r = await transfer(
        client,
        t.office,
        clue,
        {"recipient_org_id": str(w.audit_org), "recipient_kind": "department"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["recipient_org_id"] == str(w.audit_org)

    cadre = await to_status(client, t, w, "reviewed", category="cadre_selection")
    r = await transfer(client, t.office, cadre, {"recipient_org_id": str(w.organization_org)})
    assert r.status_code == 200, r.text
    assert r.json()["recipient_kind"] == "organization"

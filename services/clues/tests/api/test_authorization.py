"""The authorization matrix: every role × every endpoint, on a clue that is the caller's
(the recipient's own, the office's jurisdiction) and one that is not (another recipient's,
another jurisdiction). Details are the office's and the recipient's only; everyone else
gets a 404 for a clue (its existence does not leak); the figures count every clue for the
office and the leadership, a recipient's own clues for a recipient, and refuse the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from services.clues.tests.api.clue_factories import (
    BASE,
    OUTCOME,
    REVIEW,
    Tokens,
    auth,
    proposal,
    to_status,
    tokens,
    world,
)

ROLES = (
    "office",
    "member",
    "other_member",
    "discipline",
    "discipline_service",
    "organization",
    "other_department",
    "inspected",
    "leader",
    "leadership",
    "office_elsewhere",
    "discipline_elsewhere",
)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # {id} is the clue's id
    status: str | None = None  # the clue is brought to this status first
    body: dict[str, Any] | None = None
    allowed: dict[str, int] = field(default_factory=dict)
    default: int = 404
    winner: str | None = None  # the allowed role tried last (it changes the clue)
    # Roles that would succeed just like the winner (the department's people and its system):
    # not called here, the lifecycle test drives the clue with both.
    twins: tuple[str, ...] = ()


RECIPIENT_READ = {"office": 200, "discipline": 200, "discipline_service": 200}
OFFICE_ONLY = {r: 403 for r in ROLES} | {"office": 200, "office_elsewhere": 200}

CASES = [
    Case("read", "GET", "/clues/{id}", "accepted", allowed=RECIPIENT_READ),
    Case("letters", "GET", "/clues/{id}/letters", "accepted", allowed=RECIPIENT_READ),
    Case("review", "POST", "/clues/{id}/review", "draft", REVIEW, winner="office"),
    Case(
        "transfer",
        "POST",
        "/clues/{id}/transfer",
        "reviewed",
        {"recipient_org_id": "DISC"},
        winner="office",
    ),
    Case(
        "keeper",
        "PUT",
        "/clues/{id}/keeper",
        "accepted",
        {"keeper_account": "keeper-9"},
        allowed={"discipline": 403, "discipline_service": 403},
        winner="office",
    ),
    Case(
        "receipt",
        "POST",
        "/clues/{id}/receipt",
        "transferred",
        {"received_by": "王某"},
        allowed={"office": 403},
        winner="discipline",
        twins=("discipline_service",),
    ),
    Case(
        "return",
        "POST",
        "/clues/{id}/return",
        "transferred",
        {"reason": "补充"},
        allowed={"office": 403},
        winner="discipline_service",
        twins=("discipline",),
    ),
    Case(
        "disposal",
        "POST",
        "/clues/{id}/disposal",
        "accepted",
        {"disposal": "inquiry"},
        allowed={"office": 403},
        winner="discipline",
        twins=("discipline_service",),
    ),
    Case(
        "progress",
        "POST",
        "/clues/{id}/progress",
        "handling",
        {"note": "进展"},
        allowed={"office": 403},
        winner="discipline",
        twins=("discipline_service",),
    ),
    Case(
        "outcome",
        "POST",
        "/clues/{id}/outcome",
        "handling",
        OUTCOME,
        allowed={"office": 403},
        winner="discipline",
        twins=("discipline_service",),
    ),
    Case(
        "close",
        "POST",
        "/clues/{id}/close",
        "concluded",
        {},
        allowed={"discipline": 403, "discipline_service": 403},
        winner="office",
    ),
    Case(
        "list",
        "GET",
        "/clues",
        None,
        default=403,
        allowed={
            "office": 200,
            "office_elsewhere": 200,
            "discipline": 200,
            "discipline_service": 200,
            "organization": 200,
            "other_department": 200,
            "discipline_elsewhere": 200,
        },
    ),
    Case("export", "GET", "/clues/export.xlsx", None, default=403, allowed=OFFICE_ONLY),
    Case("audit", "GET", "/audit-log", None, default=403, allowed=OFFICE_ONLY),
    Case("audit-xlsx", "GET", "/audit-log.xlsx", None, default=403, allowed=OFFICE_ONLY),
    Case("review-month", "GET", "/ledger-review", None, default=403, allowed=OFFICE_ONLY),
    Case("limits-read", "GET", "/deadline-settings", None, default=200),
    Case("re-encrypt", "POST", "/maintenance/re-encrypt", None, default=403, allowed=OFFICE_ONLY),
    Case(
        "figures",
        "GET",
        "/figures",
        None,
        default=403,
        allowed={
            "office": 200,
            "office_elsewhere": 200,
            "leadership": 200,
            "discipline": 200,
            "discipline_service": 200,
            "organization": 200,
            "other_department": 200,
            "discipline_elsewhere": 200,
        },
    ),
    Case(
        "reconciliation",
        "GET",
        "/reconciliation",
        None,
        default=403,
        allowed={
            "office": 422,
            "office_elsewhere": 422,
            "discipline": 200,
            "discipline_service": 200,
            "organization": 200,
            "other_department": 200,
            "discipline_elsewhere": 200,
        },
    ),
]


def _tok(t: Tokens, role: str) -> str:
    tok: str = getattr(t, role)
    return tok


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_matrix(case: Case, platform: Any, token: Any) -> None:
    running = await platform("clues", scheduler_enabled=False)
    client = running.client("clues")
    w = await world(running.apps["clues"])
    t = tokens(token, w)
    clue = await to_status(client, t, w, case.status) if case.status else None
    # Someone else's clue: transferred to the organization department.
    theirs = None
    if case.status in {"transferred", "accepted", "handling", "concluded"}:
        theirs = await to_status(client, t, w, "reviewed", category="cadre_selection")
        r = await client.post(
            f"{BASE}/clues/{theirs['id']}/transfer",
            json={"recipient_org_id": str(w.organization_org)},
            headers=auth(t.office, theirs["version"]),
        )
        assert r.status_code == 200
        theirs = r.json()

    def body() -> dict[str, Any] | None:
        if case.body is None:
            return None
        return {k: (str(w.discipline_org) if v == "DISC" else v) for k, v in case.body.items()}

    async def call(role: str, target: dict[str, Any] | None) -> int:
        path = case.path.replace("{id}", target["id"]) if target else case.path
        version = target["version"] if target else None
        r = await client.request(
            case.method, f"{BASE}{path}", json=body(), headers=auth(_tok(t, role), version)
        )
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json")
        return int(r.status_code)

    order = [r for r in ROLES if r != case.winner and r not in case.twins]
    order += [case.winner] if case.winner else []
    seen = {}
    for role in order:
        seen[role] = await call(role, clue)
    expected = {r: case.allowed.get(r, case.default) for r in ROLES if r not in case.twins}
    if case.winner:
        expected[case.winner] = 200
    assert seen == expected
    if theirs is not None:
        # The discipline commission and its system: not their clue, so it does not exist.
        for role in ("discipline", "discipline_service"):
            assert await call(role, theirs) == 404, role
        assert await call("organization", theirs) in {200, 403, 409}


async def test_a_group_proposes_only_and_sees_no_counts(platform: Any, token: Any) -> None:
    running = await platform("clues", scheduler_enabled=False)
    client = running.client("clues")
    w = await world(running.apps["clues"])
    t = tokens(token, w)
    for role in ("office", "discipline", "inspected", "leadership", "leader"):
        r = await client.post(f"{BASE}/clues", json=proposal(w), headers=auth(_tok(t, role)))
        assert r.status_code == 403, role
    r = await client.post(f"{BASE}/clues", json=proposal(w), headers=auth(t.member))
    assert r.status_code == 201
    assert (
        await client.get(f"{BASE}/clues/{r.json()['id']}", headers=auth(t.member))
    ).status_code == 404
    # Need to know: the jurisdiction's clue figures are not the group's.
    r = await client.get(f"{BASE}/figures", headers=auth(t.member))
    assert r.status_code == 403
    r = await client.get(f"{BASE}/figures", headers=auth(t.office))
    assert r.json()["total"]["proposed"] == 1

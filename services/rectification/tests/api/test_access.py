"""Authorization per record, as a role × endpoint matrix: the own record, another org's,
another jurisdiction's. Records a caller may not see are 404; a role that may see but not
act is 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    OTHER,
    auth,
    claim,
    county,
    deliver,
    feedback,
    fill_in,
    problem,
    tasks_of,
)

CALLERS = [
    "office", "leadership", "discipline", "organization", "own_org", "other_org",
    "owner_leader", "other_leader", "group", "department", "other_office", "other_discipline",
]  # fmt: skip
WIDE = {"office": 200, "leadership": 200, "discipline": 200, "organization": 200}
HIDDEN = {"other_org": 404, "other_leader": 404, "other_office": 404, "other_discipline": 404}
NOBODY = {"group": 403, "department": 403}
READ = {**WIDE, "own_org": 200, "owner_leader": 200, **HIDDEN, **NOBODY}
ORG_WRITE = {
    **{k: 403 for k in WIDE}, "own_org": 200, "owner_leader": 403, **HIDDEN, **NOBODY,
}  # fmt: skip
SUPERVISE = {
    "office": 403, "leadership": 403, "discipline": 200, "organization": 200, "own_org": 403,
    "owner_leader": 403, **HIDDEN, **NOBODY,
}  # fmt: skip
# Only the office rates: other roles are refused before the record is looked up.
OFFICE_ONLY = {
    **{k: 403 for k in CALLERS}, "office": 200, "other_office": 404,
}  # fmt: skip
PROMOTION = {
    "office": 200, "organization": 200, "leadership": 403, "discipline": 403, "own_org": 403,
    "owner_leader": 403, "other_org": 403, "other_leader": 403, **NOBODY, "other_office": 200,
    "other_discipline": 403,
}  # fmt: skip


@dataclass
class World:
    client: Any
    tokens: dict[str, str]
    plan: dict[str, Any]
    tasks: list[dict[str, Any]]


@pytest.fixture
async def world(platform: Any, db: Any, token: Any, clock: Any) -> World:
    clock.set(MONDAY)
    running = await platform("rectification", scheduler_enabled=False)
    client = running.client("rectification")
    place = await county(db)
    other = await county(db, OTHER, orgs=1)
    await deliver(
        running.apps["rectification"],
        feedback(place, "town_a", [problem() for _ in range(8)], at=MONDAY),
        feedback(place, "town_b", [problem()], at=MONDAY),
        feedback(other, "town_a", [problem()], at=MONDAY),
    )
    j = place.jurisdiction
    tokens = {
        "office": token(Role.office, jurisdiction=j),
        "leadership": token(Role.leadership, jurisdiction=j),
        "discipline": token(Role.discipline, jurisdiction=j),
        "organization": token(Role.organization, jurisdiction=j),
        "own_org": token(Role.inspected, jurisdiction=j, org_id=place.org("town_a")),
        "other_org": token(Role.inspected, jurisdiction=j, org_id=place.org("town_b")),
        "owner_leader": token(Role.leader, jurisdiction=j, subject="leader-li"),
        "other_leader": token(Role.leader, jurisdiction=j, subject="leader-wang"),
        "group": token(Role.group, jurisdiction=j),
        "department": token(Role.department, jurisdiction=j, org_id=place.org("town_b")),
        "other_office": token(Role.office, jurisdiction=OTHER),
        "other_discipline": token(Role.discipline, jurisdiction=OTHER),
    }
    own = tokens["own_org"]
    tasks = [await fill_in(client, own, t) for t in await tasks_of(client, own)]
    # Tasks 4–7 are claimed, ready for the supervisors.
    for i in range(4, 8):
        tasks[i] = await claim(client, own, tasks[i])
    (plan,) = (await client.get(f"{BASE}/plans", headers=auth(own))).json()["items"]
    return World(client, tokens, plan, tasks)


async def _sweep(w: World, expected: dict[str, int], call: Any) -> None:
    """Every caller, the denied ones first (the allowed ones may change the record)."""
    assert set(expected) == set(CALLERS), set(CALLERS) - set(expected)
    for who in sorted(CALLERS, key=lambda c: expected[c] < 300):
        r = await call(who)
        want = expected[who]
        assert r.status_code == want or (want == 200 and r.status_code == 201), (
            who, r.status_code, r.text[:300],
        )  # fmt: skip
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json")


def _h(w: World, who: str, version: int | None = None) -> dict[str, str]:
    extra = {"If-Match": f'"{version}"'} if version is not None else {}
    return auth(w.tokens[who], **extra)


ENDPOINTS = ["get_task", "get_plan", "progress_log", "patch_task", "report_progress",
             "claim", "accept", "reject", "submit_plan", "rate", "promotion", "rules",
             "institution", "report", "export", "remind"]  # fmt: skip


@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_matrix(world: World, endpoint: str) -> None:
    w, t, p = world, world.tasks, world.plan
    c = w.client
    done = {"summary": "完成", "commitment": {"signed_by": "王书记", "statement": "属实"}}
    calls = {
        "get_task": (READ, lambda who: c.get(f"{BASE}/tasks/{t[0]['id']}", headers=_h(w, who))),
        "get_plan": (READ, lambda who: c.get(f"{BASE}/plans/{p['id']}", headers=_h(w, who))),
        "progress_log": (
            READ,
            lambda who: c.get(f"{BASE}/tasks/{t[0]['id']}/progress", headers=_h(w, who)),
        ),
        "patch_task": (
            ORG_WRITE,
            lambda who: c.patch(
                f"{BASE}/tasks/{t[0]['id']}",
                json={"measures": "新措施"},
                headers=_h(w, who, t[0]["version"]),
            ),
        ),
        "report_progress": (
            ORG_WRITE,
            lambda who: c.post(
                f"{BASE}/tasks/{t[1]['id']}/progress",
                json={"reported_on": "2026-03-02", "text": "进展"},
                headers=_h(w, who),
            ),
        ),
        "claim": (
            ORG_WRITE,
            lambda who: c.post(
                f"{BASE}/tasks/{t[2]['id']}/claim", json=done, headers=_h(w, who, t[2]["version"])
            ),
        ),
        "accept": (
            SUPERVISE,
            lambda who: c.post(
                f"{BASE}/tasks/{t[4 + (who == 'organization')]['id']}/accept",
                json={},
                headers=_h(w, who, t[4 + (who == "organization")]["version"]),
            ),
        ),
        "reject": (
            SUPERVISE,
            lambda who: c.post(
                f"{BASE}/tasks/{t[6 + (who == 'organization')]['id']}/reject",
                json={"reasons": "材料不全"},
                headers=_h(w, who, t[6 + (who == "organization")]["version"]),
            ),
        ),
        "submit_plan": (
            {**ORG_WRITE, "owner_leader": 403},
            lambda who: c.post(f"{BASE}/plans/{p['id']}/submit", headers=_h(w, who, p["version"])),
        ),
        "rate": (
            {**OFFICE_ONLY},
            lambda who: c.post(f"{BASE}/plans/{p['id']}/rating", headers=_h(w, who)),
        ),
        "promotion": (
            PROMOTION,
            lambda who: c.get(
                f"{BASE}/promotion-check", params={"account": "leader-li"}, headers=_h(w, who)
            ),
        ),
        "rules": (
            {**{k: 403 for k in CALLERS}, "office": 200, "other_office": 200},
            lambda who: c.put(f"{BASE}/rules", json={"period_months": 2}, headers=_h(w, who)),
        ),
    }
    calls["institution"] = (
        ORG_WRITE,
        lambda who: c.post(
            f"{BASE}/tasks/{t[3]['id']}/institutions",
            json={"name": "《议事规则》", "adopted_on": "2026-03-01"}, headers=_h(w, who),
        ),
    )  # fmt: skip
    calls["report"] = (
        ORG_WRITE,
        lambda who: c.post(
            f"{BASE}/plans/{p['id']}/report",
            json={"content": "报告", "commitment": {"signed_by": "王书记", "statement": "属实"}},
            headers=_h(w, who),
        ),
    )
    calls["export"] = (
        {**READ, "other_org": 200, "other_leader": 200, "other_office": 200,
         "other_discipline": 200},  # a list: empty for those who see nothing
        lambda who: c.get(f"{BASE}/tasks.xlsx", headers=_h(w, who)),
    )  # fmt: skip
    # 催办: the office, or the township of a village (none here: the org is a township itself).
    calls["remind"] = (
        {**ORG_WRITE, "office": 200, "own_org": 403},
        lambda who: c.post(f"{BASE}/tasks/{t[0]['id']}/reminders", json={}, headers=_h(w, who)),
    )
    expected, call = calls[endpoint]
    await _sweep(w, expected, call)


async def test_lists_show_only_what_each_caller_may_see(world: World) -> None:
    w = world
    own_plan = w.plan["id"]

    async def visible(who: str) -> tuple[int, int]:
        tasks = await tasks_of(w.client, w.tokens[who])
        r = await w.client.get(f"{BASE}/plans", headers=_h(w, who))
        return len(tasks), len(r.json()["items"])

    assert await visible("office") == (9, 2)
    assert await visible("discipline") == (9, 2)
    assert await visible("own_org") == (8, 1)
    assert await visible("other_org") == (1, 1)
    assert await visible("owner_leader") == (8, 1)
    assert await visible("other_leader") == (0, 0)
    assert await visible("other_office") == (1, 1)
    for who in ("group", "department"):
        r = await w.client.get(f"{BASE}/tasks", headers=_h(w, who))
        assert r.status_code == 403
    r = await w.client.get(
        f"{BASE}/plans", params={"org_id": w.tasks[0]["org_id"]}, headers=_h(w, "other_org")
    )
    assert r.json()["items"] == []
    assert own_plan

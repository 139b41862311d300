"""Who may do what with terms and rounds: roles × endpoints, records of another
jurisdiction, and a group member who sees only the rounds he inspects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.auth import Role

from xuncha.demo.data.orgs import county_orgs

from .rounds_factories import (
    OTHER,
    J,
    add_member,
    auth,
    create_round,
    create_term,
    import_orgs,
    insert_cadre,
    insert_group,
)

MEMBER = "cadre-wang"


@pytest.fixture
async def world(platform: Any, clock: Any, token: Any, db: Any) -> dict[str, Any]:
    """Two counties: 温县 (J) with a term and two rounds, 孟州 (OTHER) with a term, a
    regular round and a cross round inspected by 温县's groups. Wang, a 温县 cadre, sits in
    a group of 温县's first round and of 孟州's cross round."""
    clock.set(datetime(2022, 6, 1, 2, 0, tzinfo=UTC))
    client = (await platform("planning")).client("planning")
    office, other_office = (
        token(Role.office, jurisdiction=J),
        token(Role.office, jurisdiction=OTHER),
    )
    orgs = await import_orgs(
        client, office, db, county_orgs(seed=9, townships=1, departments=2, villages=2)
    )
    term = await create_term(client, office)
    r1 = await create_round(client, office, term["id"])
    r2 = await create_round(client, office, term["id"])
    other_term = await create_term(client, other_office, name="十三届市委")
    other_round = await create_round(client, other_office, other_term["id"])
    cross = await create_round(
        client, other_office, other_term["id"], mode="cross", inspecting_jurisdiction=J
    )
    wang = await insert_cadre(db, name="王建国", account=MEMBER, jurisdiction=J)
    await insert_cadre(db, name="李秀英", account="cadre-li", jurisdiction=J)
    for rnd in (r1, cross):
        group = await insert_group(db, rnd["id"], "第一巡察组")
        await add_member(db, group_id=group, cadre_id=wang, round_id=rnd["id"], role="leader")
    return {
        "client": client,
        "term": term,
        "r1": r1,
        "r2": r2,
        "other_round": other_round,
        "cross": cross,
        "org": next(iter(orgs.values())),
    }


def endpoints(w: dict[str, Any]) -> dict[str, tuple[str, str, Any]]:
    t, r, org = w["term"]["id"], w["r1"]["id"], w["org"]["id"]
    return {
        "list_terms": ("GET", "/terms", None),
        "get_term": ("GET", f"/terms/{t}", None),
        "list_scope": ("GET", f"/terms/{t}/orgs", None),
        "coverage": ("GET", f"/terms/{t}/coverage", None),
        "list_rounds": ("GET", "/rounds", None),
        "get_round": ("GET", f"/rounds/{r}", None),
        "list_briefings": ("GET", f"/rounds/{r}/briefings", None),
        "update_term": ("PATCH", f"/terms/{t}", {"planned_rounds": 16}),
        "add_scope": ("POST", f"/terms/{t}/orgs", {"org_ids": [str(org)]}),
        "remove_scope": ("DELETE", f"/terms/{t}/orgs/{org}", None),
        "create_round": (
            "POST",
            f"/terms/{t}/rounds",
            {"mode": "mobile", "on_site_from": "2023-03-01", "on_site_until": "2023-03-14"},
        ),
        "update_round": ("PATCH", f"/rounds/{r}", {"name": "第一轮（调整）"}),
        "transition": ("POST", f"/rounds/{r}/transitions", {"to_status": "mobilized"}),
        "create_briefing": (
            "POST",
            f"/rounds/{r}/briefings",
            {"stage": "before", "held_on": "2022-02-20", "summary": "听取巡前汇报"},
        ),
        "create_term": (
            "POST",
            "/terms",
            {
                "name": "十四届",
                "starts_on": "2026-10-01",
                "ends_on": "2031-09-30",
                "planned_rounds": 15,
            },
        ),
    }


READS = ("get_term", "list_scope", "coverage")
PLANS = ("update_term", "add_scope", "remove_scope", "create_round", "update_round", "transition")
OK = {"GET": 200, "POST": 201, "PATCH": 200, "DELETE": 204}
REFUSED_ROLES = (Role.discipline, Role.organization, Role.department, Role.inspected, Role.leader)
# The village classification's departments read the term and its scope, nothing else.
SCOPE_READING_ROLES = (Role.discipline, Role.organization, Role.department)
SCOPE_READS = ("list_terms", "get_term", "list_scope")


def expected(who: str, name: str, method: str) -> int:
    if who == "anonymous":
        return 401
    if who in {r.value for r in SCOPE_READING_ROLES}:
        return OK[method] if name in SCOPE_READS else 403
    if who in {r.value for r in REFUSED_ROLES}:
        return 403
    if who == "office":
        return {"add_scope": 200, "transition": 200}.get(name, OK[method])
    if who == "leadership":
        return 403 if name in PLANS or name == "create_term" else OK[method]
    if who == "member":
        return OK[method] if name in {"list_rounds", "get_round", "list_briefings"} else 403
    if who == "non_member":
        return 200 if name == "list_rounds" else 403
    if who == "other_office":  # another county's office: its own lists, never our records
        return {"list_terms": 200, "list_rounds": 200, "create_term": 201}.get(name, 404)
    if who == "other_leadership":
        if name in {"list_terms", "list_rounds"}:
            return 200
        return 403 if name in PLANS or name == "create_term" else 404
    raise AssertionError(who)


async def test_role_by_endpoint_matrix(world: dict[str, Any], token: Any, db: Any) -> None:
    client = world["client"]
    callers: dict[str, str | None] = {
        "anonymous": None,
        **{r.value: token(r, jurisdiction=J) for r in REFUSED_ROLES},
        "member": token(Role.group, jurisdiction=J, subject=MEMBER),
        "non_member": token(Role.group, jurisdiction=J, subject="cadre-li"),
        "leadership": token(Role.leadership, jurisdiction=J),
        "other_leadership": token(Role.leadership, jurisdiction=OTHER),
        "other_office": token(Role.office, jurisdiction=OTHER),
        # Last, as its writes succeed.
        "office": token(Role.office, jurisdiction=J),
    }
    checked = 0
    for who, tok in callers.items():
        for name, (method, path, body) in endpoints(world).items():
            headers = ({"If-Match": '"1"'} if method == "PATCH" else {}) | (
                auth(tok) if tok else {}
            )
            r = await client.request(method, f"/api/planning{path}", json=body, headers=headers)
            assert r.status_code == expected(who, name, method), (who, name, r.text)
            if r.status_code >= 400:
                assert r.headers["content-type"].startswith("application/problem+json")
            checked += 1
        if who != "office":
            # Nobody but the office changed the plan.
            state = await db.fetchrow(
                "SELECT status, version FROM planning.rounds WHERE id = $1", world["r1"]["id"]
            )
            assert (state["status"], state["version"]) == ("planned", 1), who
    assert checked == len(callers) * len(endpoints(world))


async def test_a_group_member_sees_only_his_rounds(world: dict[str, Any], token: Any) -> None:
    client = world["client"]
    member = auth(token(Role.group, jurisdiction=J, subject=MEMBER))
    page = (await client.get("/api/planning/rounds", headers=member)).json()
    # His round at home and the cross round he inspects in 孟州; not the other rounds.
    assert {r["id"] for r in page["items"]} == {world["r1"]["id"], world["cross"]["id"]}
    assert page["total"] == 2
    r = await client.get(f"/api/planning/rounds/{world['cross']['id']}", headers=member)
    assert r.status_code == 200 and r.json()["jurisdiction"] == OTHER
    r = await client.get(f"/api/planning/rounds/{world['r2']['id']}", headers=member)
    assert r.status_code == 403 and r.json()["type"].endswith("/not-in-round")
    r = await client.get(f"/api/planning/rounds/{world['other_round']['id']}", headers=member)
    assert r.status_code == 404
    # The same account in another county's token is nobody's member.
    stranger = auth(token(Role.group, jurisdiction=OTHER, subject=MEMBER))
    assert (await client.get("/api/planning/rounds", headers=stranger)).json()["total"] == 0
    r = await client.get(f"/api/planning/rounds/{world['r1']['id']}", headers=stranger)
    assert r.status_code == 404
    non_member = auth(token(Role.group, jurisdiction=J, subject="cadre-li"))
    assert (await client.get("/api/planning/rounds", headers=non_member)).json()["total"] == 0

    # 温县's office does not see 孟州's cross round even though its groups inspect it.
    office = auth(token(Role.office, jurisdiction=J))
    r = await client.get(f"/api/planning/rounds/{world['cross']['id']}", headers=office)
    assert r.status_code == 404
    listed = (await client.get("/api/planning/rounds", headers=office)).json()
    assert {r["id"] for r in listed["items"]} == {world["r1"]["id"], world["r2"]["id"]}
    other = auth(token(Role.office, jurisdiction=OTHER))
    assert (await client.get("/api/planning/terms", headers=other)).json()["total"] == 1

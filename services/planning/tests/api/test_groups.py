"""Groups, assignments and avoidance over HTTP: one group per cadre and round, approaches
for villages, refusals with reasons and replacements, every check kept, and the events."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event

from services.planning.tests.api.pool_factories import add_cadre, bearer, create_round, import_orgs
from xuncha.demo.data.orgs import county_orgs

J = "410825"
FINANCE, AUDIT, STATS, DISCIPLINE = "410825-D023", "410825-D035", "410825-D037", "410825-D001"
GUFENG, BAIQIAO, FANGJIAPO, XIAJIADIAN = "410825100", "410825100200", "410825100201", "410825100202"
BAOLIN, SONGYUAN = "410825101", "410825101200"


class World:
    """A county registry, a round and a few helpers for the office of 温县."""

    def __init__(self, client: Any, token: Any, db: Any, orgs: dict[str, str], round_id: str):
        self.client, self.db, self.orgs, self.round_id = client, db, orgs, round_id
        self._token = token
        self.token = token(Role.office, jurisdiction=J)
        self.office = bearer(self.token)

    def token_of(self, jurisdiction: str) -> str:
        """The token of another jurisdiction's office."""
        return str(self._token(Role.office, jurisdiction=jurisdiction))

    async def cadre(self, code: str, name: str, **body: Any) -> str:
        return await add_cadre(self.client, self.token, code, name, **body)

    async def group(self, name: str, leader: str, *members: str, round_id: str = "") -> Any:
        body = {
            "name": name,
            "members": [{"cadre_id": leader, "role": "leader"}]
            + [{"cadre_id": m} for m in members],
        }
        return await self.client.post(
            f"/api/planning/rounds/{round_id or self.round_id}/groups",
            json=body,
            headers=self.office,
        )

    async def assign(self, group_id: str, org_code: str, approach: str | None = None) -> Any:
        body = {"group_id": group_id, "org_id": self.orgs[org_code], "approach": approach}
        return await self.client.post(
            f"/api/planning/rounds/{self.round_id}/assignments", json=body, headers=self.office
        )

    async def events(self, kind: str) -> list[dict[str, Any]]:
        rows = await self.db.fetch(
            "SELECT envelope FROM planning.outbox WHERE type LIKE $1 ORDER BY seq", f"%{kind}%"
        )
        return [json.loads(r["envelope"]) for r in rows]


@pytest.fixture
async def world(platform: Any, token: Any, db: Any) -> World:
    client = (await platform("planning")).client("planning")
    rows = county_orgs(seed=2, townships=3, departments=40, villages=9)
    orgs = await import_orgs(client, token(Role.office, jurisdiction=J), rows)
    round_id = await create_round(db, jurisdiction=J)
    return World(client, token, db, orgs, str(round_id))


async def test_forming_a_group_and_one_group_per_cadre_and_round(world: World, db: Any) -> None:
    w = world
    leader = await w.cadre("L1", "赵德胜", specialties=["discipline"], account="zhao.desheng",
                           phone="13800000001", unit_org_id=w.orgs[DISCIPLINE])  # fmt: skip
    deputy = await w.cadre("L2", "钱丽娟", specialties=["finance_audit"])
    member = await w.cadre("L3", "孙志强")
    spare = await w.cadre("L4", "李春生")
    r = await w.client.post(
        f"/api/planning/rounds/{w.round_id}/groups",
        json={"name": "第一巡察组", "members": [
            {"cadre_id": member}, {"cadre_id": deputy, "role": "deputy"},
            {"cadre_id": leader, "role": "leader"}]},
        headers=w.office,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    group = r.json()
    assert [(m["name"], m["role"]) for m in group["members"]] == [
        ("赵德胜", "leader"), ("钱丽娟", "deputy"), ("孙志强", "member")
    ]  # fmt: skip
    assert group["cross"] is False and group["pool_jurisdiction"] == J
    assert r.headers["Location"] == f"/api/planning/groups/{group['id']}"

    (formed,) = await w.events("group.formed")
    assert_valid_event(formed)
    assert formed["subject"] == w.round_id and formed["jurisdiction"] == J
    assert {(m["name"], m["role"], m["account"]) for m in formed["data"]["members"]} == {
        ("赵德胜", "leader", "zhao.desheng"), ("钱丽娟", "deputy", None), ("孙志强", "member", None)
    }  # fmt: skip
    assert "13800000001" not in json.dumps(formed)  # no personal phone in events

    # The same cadre in a second group of the round: 409 naming him and his group.
    r = await w.group("第二巡察组", spare, member)
    assert r.status_code == 409 and r.json()["field"] == "members.1.cadre_id"
    assert "孙志强" in r.json()["message_zh"] and "第一巡察组" in r.json()["message_zh"]
    # Exactly one leader; unique names; members from the pool, available, listed once.
    body = {"name": "第三组", "members": [{"cadre_id": spare}]}
    r = await w.client.post(
        f"/api/planning/rounds/{w.round_id}/groups", json=body, headers=w.office
    )
    assert r.status_code == 422 and r.json()["field"] == "members"
    r = await w.group("第一巡察组", spare)
    assert r.status_code == 409 and r.json()["field"] == "name"
    r = await w.group("第三组", spare, spare)
    assert r.status_code == 422 and r.json()["field"] == "members.1.cadre_id"
    stranger = await add_cadre(w.client, w.token_of("410883"), "X1", "外县干部")
    r = await w.group("第三组", spare, stranger)
    assert r.status_code == 422 and r.json()["field"] == "members.1.cadre_id"
    away = await w.cadre("L5", "周外出", available=False)
    r = await w.group("第三组", spare, away)
    assert r.status_code == 422 and "不可抽调" in r.json()["message_zh"]
    assert await db.fetchval("SELECT count(*) FROM planning.groups") == 1

    # Another round is another matter.
    other_round = await create_round(db, jurisdiction=J, number=2)
    r = await w.group("第一巡察组", member, round_id=str(other_round))
    assert r.status_code == 201, r.text

    listed = (
        await w.client.get(f"/api/planning/rounds/{w.round_id}/groups", headers=w.office)
    ).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == group["id"]
    free = (
        await w.client.get(
            "/api/planning/cadres", params={"free_in_round": w.round_id}, headers=w.office
        )
    ).json()
    assert {c["code"] for c in free["items"]} == {"L4", "L5"}


async def test_assignments_villages_approaches_and_withdrawal(world: World, db: Any) -> None:
    w = world
    g1 = (await w.group("第一巡察组", await w.cadre("A1", "甲"))).json()["id"]
    g2 = (await w.group("第二巡察组", await w.cadre("A2", "乙"))).json()["id"]

    r = await w.assign(g1, FINANCE, "direct")
    assert r.status_code == 422 and r.json()["field"] == "approach"
    r = await w.assign(g1, BAIQIAO)
    assert r.status_code == 422 and r.json()["type"].endswith("approach-required")
    r = await w.assign(g1, BAIQIAO, "extended")
    assert r.status_code == 422 and "古丰镇" in r.json()["message_zh"]
    r = await w.assign(g1, GUFENG)
    assert r.status_code == 201, r.text
    assert r.json()["org_kind"] == "township" and r.json()["group_name"] == "第一巡察组"
    assert (await w.assign(g1, BAIQIAO, "extended")).status_code == 201
    assert (await w.assign(g1, FANGJIAPO, "research")).status_code == 201
    assert (await w.assign(g2, XIAJIADIAN, "direct")).status_code == 201
    # With its township, but the township is another group's.
    r = await w.assign(g2, SONGYUAN, "research")
    assert r.status_code == 422 and "宝林镇" in r.json()["message_zh"]
    # One group per org and round.
    r = await w.assign(g2, GUFENG)
    assert r.status_code == 409 and "第一巡察组" in r.json()["message_zh"]
    # An org of another county is out of reach.
    other = await import_orgs(
        w.client, w.token_of("410883"), county_orgs(seed=5, townships=1, departments=1,
                                                    villages=0, prefix="410883"))  # fmt: skip
    body = {"group_id": g1, "org_id": other["410883-D001"]}
    r = await w.client.post(
        f"/api/planning/rounds/{w.round_id}/assignments", json=body, headers=w.office
    )
    assert r.status_code == 422 and r.json()["field"] == "org_id"

    made = await w.events("assignment.made")
    assert len(made) == 4
    for envelope in made:
        assert_valid_event(envelope)
    assert [e["data"]["approach"] for e in made] == [None, "extended", "research", "direct"]
    assert made[1]["data"]["org_kind"] == "village" and made[1]["subject"] == w.round_id

    url = f"/api/planning/rounds/{w.round_id}/assignments"
    page = (await w.client.get(url, headers=w.office)).json()
    assert page["total"] == 4
    assert [a["org_code"] for a in page["items"]] == sorted(a["org_code"] for a in page["items"])
    assert (await w.client.get(url, params={"kind": "village"}, headers=w.office)).json()[
        "total"
    ] == 3
    by_approach = (
        await w.client.get(url, params={"approach": "research"}, headers=w.office)
    ).json()
    assert [a["org_code"] for a in by_approach["items"]] == [FANGJIAPO]
    assert (await w.client.get(url, params={"group_id": g2}, headers=w.office)).json()["total"] == 1
    page1 = (await w.client.get(url, params={"limit": 3}, headers=w.office)).json()
    page2 = (
        await w.client.get(
            url, params={"limit": 3, "cursor": page1["next_cursor"]}, headers=w.office
        )
    ).json()
    assert len(page1["items"]) == 3 and len(page2["items"]) == 1 and not page2["next_cursor"]

    # The township goes back only after its villages.
    ids = {a["org_code"]: a["id"] for a in page["items"]}
    r = await w.client.delete(f"/api/planning/assignments/{ids[GUFENG]}", headers=w.office)
    assert r.status_code == 409 and r.json()["type"].endswith("township-has-villages")
    for code in (BAIQIAO, FANGJIAPO, GUFENG):
        r = await w.client.delete(f"/api/planning/assignments/{ids[code]}", headers=w.office)
        assert r.status_code == 204, r.text
    assert [e["data"]["org_id"] for e in await w.events("assignment.withdrawn")] == [
        w.orgs[BAIQIAO], w.orgs[FANGJIAPO], w.orgs[GUFENG]
    ]  # fmt: skip

    # From the report stage on, groups and tasks are fixed.
    await db.execute("UPDATE planning.rounds SET status = 'reporting'")
    r = await w.assign(g1, GUFENG)
    assert r.status_code == 409 and r.json()["field"] == "round_id"


async def test_avoidance_refuses_with_reasons_and_replacements_and_keeps_every_check(
    world: World, db: Any, clock: Any
) -> None:
    w = world
    leader = await w.cadre("M0", "赵组长", unit_org_id=w.orgs[DISCIPLINE])
    accountant = await w.cadre("M1", "钱会计", unit_org_id=w.orgs[FINANCE],
                               specialties=["finance_audit", "discipline"])  # fmt: skip
    native = await w.cadre("M2", "孙乡亲", home_township_id=w.orgs[GUFENG])
    related = await w.cadre(
        "M3", "李亲属", relatives=[{"org_id": w.orgs[AUDIT], "relation": "配偶"}]
    )
    # The rest of the pool: who could replace the accountant, and who could not.
    await w.cadre("R1", "周两全", specialties=["discipline", "finance_audit"])
    await w.cadre("R2", "吴财务", specialties=["finance_audit"])
    await w.cadre("R3", "郑同单位", specialties=["finance_audit"], unit_org_id=w.orgs[FINANCE])
    await w.cadre("R4", "王休假", specialties=["finance_audit"], available=False)
    await w.cadre("R5", "冯农业", specialties=["agriculture"])
    busy = await w.cadre("R6", "陈已入组", specialties=["finance_audit", "discipline"])
    r = await w.group("第一巡察组", leader, accountant, native, related)
    assert r.status_code == 201
    group = r.json()["id"]
    assert (await w.group("第二巡察组", busy)).status_code == 201

    r = await w.assign(group, FINANCE)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["type"].endswith("/avoidance-conflict") and problem["field"] == "org_id"
    (violation,) = problem["violations"]
    assert violation["cadre_name"] == "钱会计" and violation["org_name"] == "县财政局"
    assert violation["rule"] == "current_unit" and violation["rule_zh"] == "本单位回避"
    assert "钱会计" in problem["message_zh"] and "县财政局" in problem["message_zh"]
    assert "current unit" in problem["message_en"]
    assert problem["errors"][0]["code"] == "avoidance-current_unit"
    (replacement,) = problem["replacements"]
    assert replacement["for_cadre_name"] == "钱会计"
    ranked = [(c["name"], c["matching_specialties"]) for c in replacement["candidates"]]
    assert ranked == [
        ("周两全", ["discipline", "finance_audit"]), ("吴财务", ["finance_audit"]), ("冯农业", [])
    ]  # fmt: skip
    # Nothing assigned, nothing published; the checks are kept, passes included.
    assert await db.fetchval("SELECT count(*) FROM planning.assignments") == 0
    assert await w.events("assignment.made") == []
    checks_url = f"/api/planning/rounds/{w.round_id}/avoidance-checks"
    checks = (await w.client.get(checks_url, headers=w.office)).json()
    assert checks["total"] == 4 * 4  # four members, four rules
    violations = (
        await w.client.get(checks_url, params={"outcome": "violation"}, headers=w.office)
    ).json()["items"]
    assert [(c["cadre_name"], c["org_name"], c["rule"]) for c in violations] == [
        ("钱会计", "县财政局", "current_unit")
    ]
    assert (
        violations[0]["checked_by"] == "user-office-410825"
        and "本单位回避" in violations[0]["detail"]
    )

    r = await w.assign(group, AUDIT)
    assert r.status_code == 422 and r.json()["violations"][0]["rule"] == "relative"
    assert "配偶" in r.json()["violations"][0]["message_zh"]
    r = await w.assign(group, GUFENG)
    assert [(v["cadre_name"], v["rule"]) for v in r.json()["violations"]] == [
        ("孙乡亲", "home_township")
    ]
    r = await w.assign(group, STATS)
    assert r.status_code == 201, r.text
    passes = (await w.client.get(checks_url, params={"outcome": "pass", "org_id": w.orgs[STATS]},
                                 headers=w.office)).json()  # fmt: skip
    assert passes["total"] == 16
    assert (await w.client.get(checks_url, headers=w.office)).json()["total"] == 64

    # A new member is screened against the group's tasks; the window is the jurisdiction's.
    today = clock.now().date()
    left = date(today.year - 4, today.month, min(today.day, 28))
    newcomer = await w.cadre("N1", "冯统计", specialties=["finance_audit"], posts=[
        {"org_id": w.orgs[STATS], "title": "副局长", "started_on": "2010-01-01",
         "ended_on": left.isoformat()}])  # fmt: skip
    members_url = f"/api/planning/groups/{group}/members"
    r = await w.client.post(members_url, json={"cadre_id": newcomer}, headers=w.office)
    assert r.status_code == 422 and r.json()["field"] == "cadre_id"
    assert r.json()["violations"][0]["rule"] == "former_unit"
    assert "未满5年" in r.json()["violations"][0]["message_zh"]
    # One specialty wanted: both match it once, so the code decides.
    assert [c["name"] for c in r.json()["replacements"][0]["candidates"]][:2] == [
        "周两全",
        "吴财务",
    ]
    assert await w.events("membership_changed") == []
    r = await w.client.put(
        "/api/planning/avoidance-settings", json={"former_unit_years": 3}, headers=w.office
    )
    assert r.status_code == 200
    r = await w.client.post(members_url, json={"cadre_id": newcomer}, headers=w.office)
    assert r.status_code == 200, r.text
    assert "冯统计" in [m["name"] for m in r.json()["members"]]
    (changed,) = await w.events("membership_changed")
    assert_valid_event(changed)
    assert changed["data"]["change"] == "added" and changed["data"]["role"] == "member"
    screened = (
        await w.client.get(checks_url, params={"cadre_id": newcomer}, headers=w.office)
    ).json()
    assert [c["outcome"] for c in screened["items"]].count("violation") == 1
    assert screened["total"] == 8  # twice four rules, the refusal and the pass

    # The candidates endpoint ranks the same way for the group's tasks.
    r = await w.client.get(
        f"/api/planning/groups/{group}/candidates",
        params={"specialty": ["discipline", "finance_audit"]},
        headers=w.office,
    )
    assert [c["name"] for c in r.json()][:2] == ["周两全", "吴财务"]
    assert "郑同单位" in [c["name"] for c in r.json()]  # 县统计局 is no conflict for him


async def test_roles_in_a_group(world: World) -> None:
    w = world
    leader, deputy, member = [await w.cadre(f"K{i}", name) for i, name in enumerate("甲乙丙")]
    body = {"name": "第一巡察组", "members": [
        {"cadre_id": leader, "role": "leader"}, {"cadre_id": deputy, "role": "deputy"},
        {"cadre_id": member}]}  # fmt: skip
    group = (
        await w.client.post(
            f"/api/planning/rounds/{w.round_id}/groups", json=body, headers=w.office
        )
    ).json()
    url = f"/api/planning/groups/{group['id']}/members"
    r = await w.client.patch(f"{url}/{deputy}", json={"role": "leader"}, headers=w.office)
    assert r.status_code == 200, r.text
    roles = {m["name"]: m["role"] for m in r.json()["members"]}
    assert roles == {"甲": "member", "乙": "leader", "丙": "member"}
    assert r.json()["version"] == 3  # the old leader's step down, then the new leader
    r = await w.client.patch(f"{url}/{deputy}", json={"role": "member"}, headers=w.office)
    assert r.status_code == 409 and r.json()["type"].endswith("leader-required")
    r = await w.client.delete(f"{url}/{deputy}", headers=w.office)
    assert r.status_code == 409
    r = await w.client.delete(f"{url}/{member}", headers=w.office)
    assert r.status_code == 200 and len(r.json()["members"]) == 2
    r = await w.client.delete(f"{url}/{member}", headers=w.office)
    assert r.status_code == 404 and r.json()["field"] == "cadre_id"
    changes = [
        (e["data"]["change"], e["data"]["previous_role"], e["data"]["role"])
        for e in await w.events("membership_changed")
    ]
    assert changes == [
        ("role_changed", "leader", "member"), ("role_changed", "deputy", "leader"),
        ("removed", "member", None),
    ]  # fmt: skip
    r = await w.client.get(f"/api/planning/groups/{group['id']}", headers=w.office)
    assert r.headers["ETag"] == '"4"'


async def test_retries_and_races_give_one_effect(world: World, db: Any) -> None:
    w = world
    g1 = (await w.group("第一巡察组", await w.cadre("P1", "甲"))).json()["id"]
    g2 = (await w.group("第二巡察组", await w.cadre("P2", "乙"))).json()["id"]
    url = f"/api/planning/rounds/{w.round_id}/assignments"
    body = {"group_id": g1, "org_id": w.orgs[STATS]}
    headers = {**w.office, "Idempotency-Key": "assign-stats-round-1"}
    first = await w.client.post(url, json=body, headers=headers)
    again = await w.client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(await w.events("assignment.made")) == 1

    # Two groups racing for one org: the round is locked, one wins, the other hears why.
    results = await asyncio.gather(*(w.assign(g, AUDIT) for g in (g1, g2, g1, g2)))
    assert sorted(r.status_code for r in results) == [201, 409, 409, 409]
    # Two groups racing for one cadre.
    spare = await w.cadre("P3", "丙")
    members = [f"/api/planning/groups/{g}/members" for g in (g1, g2)]
    results = await asyncio.gather(
        *(w.client.post(m, json={"cadre_id": spare}, headers=w.office) for m in members)
    )
    assert sorted(r.status_code for r in results) == [200, 409]
    # Two offices creating one code at once.
    results = await asyncio.gather(
        *(
            w.client.post(
                "/api/planning/cadres",
                json={"code": "SAME", "name": n, "unit_name": "县委巡察办"},
                headers=w.office,
            )
            for n in "甲乙丙丁戊己"
        )
    )
    assert sorted(r.status_code for r in results) == [201] + [409] * 5
    assert await db.fetchval("SELECT count(*) FROM planning.cadres WHERE code = 'SAME'") == 1

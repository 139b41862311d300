"""Whole scenarios: 海东's "1+6" (one city group, six cross groups drawn from the counties,
003), an escalated round (提级巡察, 004), and AssignmentMade consumed from real Kafka."""

from __future__ import annotations

import json
from typing import Any

from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import read_topic

from services.planning.tests.api.pool_factories import add_cadre, bearer, create_round, import_orgs
from xuncha.demo.data.orgs import county_orgs

CITY = "6302"  # 海东市
COUNTIES = ("630202", "630203", "630222", "630223", "630224", "630225")
MINHE = "630222"  # 民和: the city group's county in the first round


async def _county(
    client: Any, token: Any, code: str, seed: int
) -> tuple[dict[str, str], list[str]]:
    """A county's registry (2 townships, 3 units, 2 villages) and a pool of three."""
    office = token(Role.office, jurisdiction=code)
    rows = county_orgs(seed=seed, townships=2, departments=3, villages=2, prefix=code)
    orgs = await import_orgs(client, office, rows)
    cadres = [
        await add_cadre(
            client,
            office,
            f"{code}-C{i}",
            f"干部{code[-2:]}{i}",
            specialties=["discipline" if i == 0 else "agriculture"],
            account=f"acct-{code}-{i}",
            unit_org_id=orgs[f"{code}-D00{i + 1}"],
        )
        for i in range(3)
    ]
    return orgs, cadres


def _township(orgs: dict[str, str], county: str) -> str:
    """The code of the county's first township (9 digits; villages have 12)."""
    return min(c for c in orgs if len(c) == 9 and c.startswith(county) and "-" not in c)


def _group(name: str, cadres: list[str], source: str | None = None) -> dict[str, Any]:
    members = [{"cadre_id": cadres[0], "role": "leader"}, {"cadre_id": cadres[1], "role": "deputy"}]
    members += [{"cadre_id": c} for c in cadres[2:]]
    return {"name": name, "members": members, "source_jurisdiction": source}


async def test_haidong_one_city_group_and_six_cross_groups(
    platform: Any, token: Any, db: Any
) -> None:
    # The counties are registered under the city: the hierarchy is data, not a code prefix.
    parents = {county: CITY for county in COUNTIES}
    client = (await platform("planning", jurisdiction_parents=parents)).client("planning")
    city = bearer(token(Role.office, jurisdiction=CITY))
    counties = {code: await _county(client, token, code, i) for i, code in enumerate(COUNTIES)}
    city_orgs = await import_orgs(
        client, city["Authorization"][7:], county_orgs(seed=9, townships=0, departments=2,
                                                       villages=0, prefix=CITY))  # fmt: skip
    city_pool = [
        await add_cadre(
            client,
            city["Authorization"][7:],
            f"HD-{i}",
            f"市干部{i}",
            unit_org_id=city_orgs[f"{CITY}-D00{1 + i % 2}"],
        )
        for i in range(3)
    ]
    round_id = await create_round(db, jurisdiction=CITY, mode="special", name="扶贫领域专项巡察")
    groups_url = f"/api/planning/rounds/{round_id}/groups"
    tasks_url = f"/api/planning/rounds/{round_id}/assignments"

    async def assign(group_id: str, org_id: str) -> Any:
        body = {"group_id": group_id, "org_id": org_id}
        return await client.post(tasks_url, json=body, headers=city)

    # "1": the city group inspects 民和's townships and units directly.
    r = await client.post(groups_url, json=_group("市委专项巡察组", city_pool), headers=city)
    assert r.status_code == 201, r.text
    city_group = r.json()["id"]
    minhe = counties[MINHE][0]
    for code in (_township(minhe, MINHE), f"{MINHE}-D001"):
        assert (await assign(city_group, minhe[code])).status_code == 201
    # "6": each county's cadres inspect the next county.
    cross: dict[str, str] = {}
    for i, source in enumerate(COUNTIES):
        target = COUNTIES[(i + 1) % len(COUNTIES)]
        body = _group(f"第{i + 1}交叉巡察组", counties[source][1], source)
        r = await client.post(groups_url, json=body, headers=city)
        assert r.status_code == 201, r.text
        assert r.json()["cross"] is True and r.json()["pool_jurisdiction"] == source
        cross[source] = r.json()["id"]
        target_orgs = counties[target][0]
        for code in (_township(target_orgs, target), f"{target}-D002"):
            if target == MINHE and code == _township(target_orgs, target):
                continue  # 民和's first township is the city group's
            r = await assign(cross[source], target_orgs[code])
            assert r.status_code == 201, (source, code, r.text)

    page = (await client.get(groups_url, headers=city)).json()
    assert page["total"] == 7 and sum(g["cross"] for g in page["items"]) == 6
    assert sum(g["assignments"] for g in page["items"]) == 2 + 6 * 2 - 1

    # Cross inspection exists to break local ties: never one's own county.
    own = counties["630202"][0]["630202-D003"]
    r = await assign(cross["630202"], own)
    assert r.status_code == 422 and r.json()["type"].endswith("cross-group-own-jurisdiction")
    # The source must be a county of this city, and members come from that county's pool.
    r = await client.post(
        groups_url, json=_group("外市组", counties["630203"][1], "410825"), headers=city
    )
    assert r.status_code == 422 and r.json()["field"] == "source_jurisdiction"
    mixed = [counties["630203"][1][0], counties["630224"][1][1]]
    r = await client.post(groups_url, json=_group("混编组", mixed, "630203"), headers=city)
    assert r.status_code == 422 and r.json()["field"] == "members.1.cadre_id"
    # A county office does not run the city's round, nor read another county's pool.
    county_office = bearer(token(Role.office, jurisdiction="630202"))
    r = await client.post(
        groups_url, json=_group("县组", counties["630202"][1]), headers=county_office
    )
    assert r.status_code == 404
    r = await client.get("/api/planning/cadres?jurisdiction=630203", headers=county_office)
    assert r.status_code == 404 and r.json()["field"] == "jurisdiction"
    r = await client.get("/api/planning/cadres?jurisdiction=630203", headers=city)
    assert r.status_code == 200 and r.json()["total"] == 3

    rows = await db.fetch("SELECT envelope FROM planning.outbox ORDER BY seq")
    envelopes = [json.loads(r["envelope"]) for r in rows]
    for envelope in envelopes:
        assert_valid_event(envelope)
    formed = [e for e in envelopes if e["type"] == "xuncha.planning.group.formed.v1"]
    assert len(formed) == 7 and {e["data"]["inspecting_jurisdiction"] for e in formed} == {CITY}
    assert sorted(e["data"]["source_jurisdiction"] or "" for e in formed) == ["", *COUNTIES]
    made = [e for e in envelopes if e["type"] == "xuncha.planning.assignment.made.v1"]
    assert len(made) == 13 and all(e["jurisdiction"] == CITY for e in made)
    assert {e["data"]["org_jurisdiction"] for e in made} == set(COUNTIES)

    # A member of 乐都's cross group sees his tasks (in 平安) and nothing else.
    member = bearer(token(Role.group, jurisdiction="630202", subject="acct-630202-2"))
    mine = (await client.get("/api/planning/me/assignments", headers=member)).json()
    assert mine["total"] == 2
    assert {a["org_jurisdiction"] for a in mine["items"]} == {"630203"}
    assert {(a["round_name"], a["my_role"]) for a in mine["items"]} == {
        ("扶贫领域专项巡察", "member")
    }
    listed = (await client.get(tasks_url, headers=member)).json()
    assert listed["total"] == 2 and {a["group_id"] for a in listed["items"]} == {cross["630202"]}
    assert (await client.get(groups_url, headers=member)).status_code == 403


async def test_escalated_round_is_run_by_the_higher_committee(
    platform: Any, token: Any, db: Any
) -> None:
    huaihua, yuanling = "4312", "433122"
    platform_ = await platform("planning", jurisdiction_parents={yuanling: huaihua})
    client = platform_.client("planning")
    county_office = token(Role.office, jurisdiction=yuanling)
    orgs = await import_orgs(
        client, county_office, county_orgs(seed=4, townships=2, departments=2, villages=4,
                                           prefix=yuanling))  # fmt: skip
    city_office = token(Role.office, jurisdiction=huaihua)
    pool = [await add_cadre(client, city_office, f"HH-{i}", f"市巡察干部{i}") for i in range(2)]
    round_id = await create_round(
        db, jurisdiction=yuanling, mode="escalated", inspecting_jurisdiction=huaihua
    )
    r = await client.post(
        f"/api/planning/rounds/{round_id}/groups",
        json=_group("市委提级巡察组", pool),
        headers=bearer(city_office),
    )
    assert r.status_code == 201, r.text
    village = next(i for c, i in sorted(orgs.items()) if len(c) == 12 and c[9] == "2")
    tasks = f"/api/planning/rounds/{round_id}/assignments"
    body = {"group_id": r.json()["id"], "org_id": village, "approach": "direct"}
    r = await client.post(tasks, json=body, headers=bearer(city_office))
    assert r.status_code == 201, r.text
    (made,) = await db.fetch(
        "SELECT envelope->'data' AS data, envelope->>'jurisdiction' AS j FROM planning.outbox"
        " WHERE type = 'xuncha.planning.assignment.made.v1'"
    )
    data = json.loads(made["data"])
    assert made["j"] == yuanling and data["inspecting_jurisdiction"] == huaihua

    # The county's office reads the round but does not run it; a third county sees nothing.
    r = await client.get(tasks, headers=bearer(county_office))
    assert r.status_code == 200 and r.json()["total"] == 1
    r = await client.post(
        f"/api/planning/rounds/{round_id}/groups",
        json=_group("县组", pool),
        headers=bearer(county_office),
    )
    assert r.status_code == 403
    assert (await client.get(tasks, headers=bearer(token(Role.office)))).status_code == 404


async def test_assignment_made_is_consumed_from_kafka(
    platform: Any, kafka_bus: Any, token: Any, db: Any
) -> None:
    running = await platform("planning", bus=kafka_bus)
    client = running.client("planning")
    office = token(Role.office)
    orgs = await import_orgs(client, office, county_orgs(seed=7, townships=1, departments=2,
                                                         villages=1))  # fmt: skip
    leader = await add_cadre(client, office, "K1", "孙组长", account="sun.leader")
    round_id = await create_round(db, jurisdiction="410825")
    r = await client.post(
        f"/api/planning/rounds/{round_id}/groups",
        json={"name": "第一巡察组", "members": [{"cadre_id": leader, "role": "leader"}]},
        headers=bearer(office),
    )
    group_id = r.json()["id"]
    r = await client.post(
        f"/api/planning/rounds/{round_id}/assignments",
        json={"group_id": group_id, "org_id": orgs["410825-D002"]},
        headers=bearer(office),
    )
    assert r.status_code == 201, r.text
    runtime = running.apps["planning"].state.runtime

    def made(events: list[Any]) -> bool:
        return any(e.type == "xuncha.planning.assignment.made.v1" for e in events)

    events = await read_topic(runtime.bus, runtime.settings.topic, until=made)
    (assignment,) = [e for e in events if e.type == "xuncha.planning.assignment.made.v1"]
    assert_valid_event(assignment.model_dump(mode="json"))
    assert assignment.subject == str(round_id)
    assert assignment.data["assignment_id"] == r.json()["id"]
    assert assignment.data["group_id"] == group_id
    assert assignment.data["org_id"] == orgs["410825-D002"] and assignment.data["approach"] is None
    formed = [e for e in events if e.type == "xuncha.planning.group.formed.v1"]
    assert formed and formed[0].data["members"][0]["account"] == "sun.leader"


async def test_a_code_prefix_is_no_hierarchy(platform: Any, token: Any, db: Any) -> None:
    """Jurisdiction "4101" covers "410199" only because it is registered as its child, and
    never "41011" (whose code merely begins with "4101"): no pool, no cross group source, no
    org to inspect in an escalated round."""
    city, child, lookalike = "4101", "410199", "41011"
    client = (await platform("planning", jurisdiction_parents={child: city})).client("planning")
    city_office = token(Role.office, jurisdiction=city)
    pools = {}
    orgs = {}
    for j in (child, lookalike):
        office = token(Role.office, jurisdiction=j)
        orgs[j] = await import_orgs(
            client, office, county_orgs(seed=7, townships=1, departments=3, villages=0, prefix=j)
        )
        pools[j] = [
            await add_cadre(client, office, f"{j}-C{i}", f"干部{j}{i}", account=f"acct-{j}-{i}")
            for i in range(2)
        ]

    listed = await client.get(
        f"/api/planning/cadres?jurisdiction={child}", headers=bearer(city_office)
    )
    assert listed.status_code == 200 and listed.json()["total"] == 2
    for path in (
        f"/api/planning/cadres?jurisdiction={lookalike}",
        f"/api/planning/cadres/{pools[lookalike][0]}",
    ):
        r = await client.get(path, headers=bearer(city_office))
        assert r.status_code == 404, (path, r.text)
    assert (
        await client.get(f"/api/planning/cadres/{pools[child][0]}", headers=bearer(city_office))
    ).status_code == 200
    # The registered child does not cover its parent, nor the lookalike the city.
    r = await client.get(
        f"/api/planning/cadres?jurisdiction={city}",
        headers=bearer(token(Role.office, jurisdiction=child)),
    )
    assert r.status_code == 404

    round_id = await create_round(db, jurisdiction=city, mode="special", name="专项巡察")
    groups_url = f"/api/planning/rounds/{round_id}/groups"
    r = await client.post(
        groups_url, json=_group("交叉组", pools[lookalike], lookalike), headers=bearer(city_office)
    )
    assert r.status_code == 422 and r.json()["field"] == "source_jurisdiction", r.text
    r = await client.post(
        groups_url, json=_group("交叉组", pools[child], child), headers=bearer(city_office)
    )
    assert r.status_code == 201, r.text
    group_id = r.json()["id"]

    escalated = await create_round(
        db, jurisdiction=lookalike, mode="escalated", inspecting_jurisdiction=city
    )
    r = await client.post(
        f"/api/planning/rounds/{escalated}/groups",
        json=_group("提级组", pools[child], child),
        headers=bearer(city_office),
    )
    assert r.status_code == 201, r.text
    target = orgs[lookalike][f"{lookalike}-D001"]
    r = await client.post(
        f"/api/planning/rounds/{escalated}/assignments",
        json={"group_id": r.json()["id"], "org_id": target},
        headers=bearer(city_office),
    )
    assert r.status_code == 422 and r.json()["field"] == "org_id", r.text
    r = await client.post(
        f"/api/planning/rounds/{round_id}/assignments",
        json={"group_id": group_id, "org_id": orgs[child][f"{child}-D002"]},
        headers=bearer(city_office),
    )
    assert r.status_code == 422  # a cross group never inspects its own county

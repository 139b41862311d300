"""温县 at scale (seed 000): 2,300 issues collected in evening talks, over 80 % handed over
at once. A bulk check of counts through the batch endpoint, not a loop of single calls."""

from __future__ import annotations

from typing import Any

from xuncha_shared.auth import Role

from services.findings.tests.api.factories import (
    BASE,
    NOW,
    auth,
    county,
    create_assignment,
    create_org,
    member,
)

TOTAL, VILLAGES = 2300, 10


async def test_2300_problems_80_percent_immediate(
    platform: Any, clock: Any, token: Any, db: Any
) -> None:
    clock.set(NOW)
    # No relay: the outbox rows are what is counted, and publishing 4,000 of them would
    # only compete with the inserts for the shared machine.
    findings = (await platform("findings", scheduler_enabled=False, relay_enabled=False)).client(
        "findings"
    )
    place = await county(db)
    g1 = member(token, place)
    assignments = []
    for i in range(VILLAGES):
        org = await create_org(
            db,
            jurisdiction=place.jurisdiction,
            name=f"{i}村党支部",
            kind="village",
            parent_id=place.orgs["town"],
        )
        assignments.append(
            await create_assignment(
                db,
                round_id=place.round_id,
                group_id=place.groups["g1"],
                org_id=org,
                org_kind="village",
                jurisdiction=place.jurisdiction,
            )
        )
    per = TOTAL // VILLAGES
    categories = [
        "living_environment",
        "benefit_policies",
        "village_assets",
        "four_winds",
        "party_building",
    ]
    for v, assignment_id in enumerate(assignments):
        items = [
            {
                "category": categories[n % 5],
                "description": f"乡村夜话收集问题 {v}-{n}",
                "found_by": "evening_talk",
                "immediate": n % 5 != 0,
                "livelihood": n % 2 == 0,
            }
            for n in range(per)
        ]
        r = await findings.post(
            f"{BASE}/problems/batch",
            json={"assignment_id": str(assignment_id), "problems": items},
            headers=auth(g1),
        )
        assert r.status_code == 201, r.text
        assert r.json()["created"] == per
    office = token(Role.office, jurisdiction=place.jurisdiction)
    r = await findings.get(f"{BASE}/problems", params={"limit": 1}, headers=auth(office))
    assert r.json()["total"] == TOTAL
    r = await findings.get(
        f"{BASE}/problems", params={"limit": 1, "immediate": "true"}, headers=auth(office)
    )
    immediate = r.json()["total"]
    assert immediate == TOTAL * 4 // 5 and immediate / TOTAL > 0.8 - 1e-9
    counts = dict(await db.fetch("SELECT type, count(*) FROM findings.outbox GROUP BY type"))
    assert counts == {
        "xuncha.findings.problem.recorded.v1": TOTAL,
        "xuncha.findings.problem.handed_over.v1": immediate,
    }
    # An inspected village sees exactly its own immediate problems before feedback.
    village = await db.fetchval(
        "SELECT org_id FROM findings.assignments WHERE id = $1", assignments[0]
    )
    inspected = token(Role.inspected, jurisdiction=place.jurisdiction, org_id=str(village))
    r = await findings.get(f"{BASE}/problems", params={"limit": 1}, headers=auth(inspected))
    assert r.json()["total"] == per * 4 // 5

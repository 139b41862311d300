"""Scope and coverage of a term: what counts as covered, the orgs still to go, the pace, and
the coverage_reached event (once per term)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event

from xuncha.demo.data.orgs import county_orgs

from .rounds_factories import (
    J,
    advance_to,
    auth,
    create_round,
    create_term,
    import_orgs,
    staff_round,
)

REACHED = "xuncha.planning.term.coverage_reached.v1"


@pytest.fixture
async def planning(platform: Any, clock: Any) -> Any:
    clock.set(datetime(2022, 6, 1, 2, 0, tzinfo=UTC))
    return (await platform("planning")).client("planning")


@pytest.fixture
def office(token: Any) -> str:
    return str(token(Role.office, jurisdiction=J))


async def coverage(client: Any, tok: str, term_id: str, **params: Any) -> dict[str, Any]:
    r = await client.get(
        f"/api/planning/terms/{term_id}/coverage", params=params, headers=auth(tok)
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def reached_events(db: Any) -> list[dict[str, Any]]:
    rows = await db.fetch("SELECT envelope FROM planning.outbox WHERE type = $1", REACHED)
    return [json.loads(r["envelope"]) for r in rows]


def ids(orgs: dict[str, Any], codes: list[str]) -> list[uuid.UUID]:
    return [orgs[c]["id"] for c in codes]


async def test_coverage_counts_orgs_whose_round_reached_feedback(
    planning: Any, office: str, db: Any
) -> None:
    rows = county_orgs(seed=6, townships=2, departments=4, villages=6)
    orgs = await import_orgs(planning, office, db, rows)
    codes = sorted(orgs)
    n = len(codes)
    term = await create_term(planning, office, planned_rounds=3)
    tid = term["id"]

    cov = await coverage(planning, office, tid)
    assert (cov["in_scope"], cov["covered"], cov["remaining"], cov["full"]) == (n, 0, n, False)
    assert cov["pace"]["outlook"] == "no_pace" and cov["pace"]["needed_per_round"] == -(-n // 3)
    assert cov["still_to_go"]["total"] == n
    kinds = {k["kind"]: k for k in cov["by_kind"]}
    assert sum(k["in_scope"] for k in kinds.values()) == n
    assert kinds["township"]["in_scope"] == 2 and kinds["township"]["kind_zh"] == "乡镇(街道)"

    # An assignment in a round that is only on site does not count yet.
    r1 = await create_round(planning, office, tid)
    await staff_round(db, r1["id"], ids(orgs, codes[:3]), groups=2)
    await advance_to(planning, office, r1["id"], "reporting")
    cov = await coverage(planning, office, tid)
    assert cov["covered"] == 0
    assert cov["still_to_go"]["items"][0]["round_numbers"] == [1]
    await advance_to(planning, office, r1["id"], "feedback")
    cov = await coverage(planning, office, tid)
    assert cov["covered"] == 3 and cov["percent"] == pytest.approx(int(3000 / n) / 10)
    assert cov["pace"]["outlook"] == "behind" and cov["pace"]["rounds_held"] == 1
    assert cov["pace"]["average_per_round"] == 3.0 and cov["pace"]["rounds_left"] == 2
    assert cov["pace"]["projected_covered"] == 9 and cov["pace"]["reachable"] is False
    assert f"9/{n}" in cov["pace"]["message_zh"]
    assert [o["code"] for o in cov["still_to_go"]["items"]] == codes[3:]

    # Rectifying and closed rounds still count.
    await advance_to(planning, office, r1["id"], "closed")
    assert (await coverage(planning, office, tid))["covered"] == 3

    # The orgs still to go: by kind, by township, a page at a time.
    town = next(r for r in rows if r.kind == "township")
    town_villages = {r.code for r in rows if r.parent_code == town.code} - set(codes[:3])
    cov = await coverage(
        planning, office, tid, kind=["village", "community"], parent_id=str(orgs[town.code]["id"])
    )
    assert {o["code"] for o in cov["still_to_go"]["items"]} == town_villages
    assert all(o["parent_name"] == town.name for o in cov["still_to_go"]["items"])
    seen: list[str] = []
    cursor = None
    while True:
        page = await coverage(
            planning, office, tid, limit=2, **({"cursor": cursor} if cursor else {})
        )
        seen += [o["code"] for o in page["still_to_go"]["items"]]
        cursor = page["still_to_go"]["next_cursor"]
        if not cursor:
            break
    assert seen == codes[3:]
    scope = (
        await planning.get(
            f"/api/planning/terms/{tid}/orgs", params={"covered": "true"}, headers=auth(office)
        )
    ).json()
    assert {o["code"] for o in scope["items"]} == set(codes[:3])
    assert all(o["covered"] and o["round_numbers"] == [1] for o in scope["items"])

    r2 = await create_round(
        planning, office, tid, on_site_from="2022-09-01", on_site_until="2022-10-31"
    )
    await staff_round(db, r2["id"], ids(orgs, codes[3:9]))
    await advance_to(planning, office, r2["id"], "feedback")
    cov = await coverage(planning, office, tid)
    assert cov["covered"] == 9 and cov["pace"]["outlook"] == "on_track"
    assert cov["pace"]["reachable"] is True and cov["pace"]["needed_per_round"] == n - 9
    assert await reached_events(db) == []


async def test_scope_changes_and_coverage_reached_once(planning: Any, office: str, db: Any) -> None:
    orgs = await import_orgs(
        planning, office, db, county_orgs(seed=7, townships=1, departments=2, villages=3)
    )
    codes = sorted(orgs)
    term = await create_term(planning, office, planned_rounds=2)
    tid = term["id"]
    scope_url = f"/api/planning/terms/{tid}/orgs"
    rnd = await create_round(planning, office, tid)
    await staff_round(db, rnd["id"], ids(orgs, codes[:-2]), groups=1)
    await advance_to(planning, office, rnd["id"], "feedback")
    cov = await coverage(planning, office, tid)
    assert cov["remaining"] == 2 and not cov["full"] and cov["reached_at"] is None

    last, spare = codes[-1], codes[-2]
    r = await planning.delete(f"{scope_url}/{orgs[spare]['id']}", headers=auth(office))
    assert r.status_code == 204
    r = await planning.delete(f"{scope_url}/{orgs[spare]['id']}", headers=auth(office))
    assert r.status_code == 404 and r.json()["field"] == "org_id"
    cov = await coverage(planning, office, tid)
    assert (cov["in_scope"], cov["remaining"]) == (len(codes) - 1, 1)
    assert await reached_events(db) == []

    # Taking the last org still to go out of scope completes coverage: no round did it.
    r = await planning.delete(f"{scope_url}/{orgs[last]['id']}", headers=auth(office))
    assert r.status_code == 204
    cov = await coverage(planning, office, tid)
    assert cov["full"] and cov["percent"] == 100.0 and cov["pace"]["outlook"] == "reached"
    assert cov["reached_at"] is not None and cov["reached_by_round_id"] is None
    [event] = await reached_events(db)
    assert_valid_event(event)
    assert event["subject"] == tid and event["data"]["round_id"] is None
    assert event["data"]["orgs_in_scope"] == len(codes) - 2 and event["data"]["rounds_held"] == 1

    # Adding orgs back: new ones are counted once; bad ids are named; coverage drops.
    body = {"org_ids": [str(orgs[last]["id"]), str(orgs[spare]["id"]), str(orgs[codes[0]]["id"])]}
    r = await planning.post(scope_url, json=body, headers=auth(office))
    assert r.status_code == 200, r.text
    assert r.json() == {"added": 2, "already_in_scope": 1, "orgs_in_scope": len(codes)}
    r = await planning.post(scope_url, json={"org_ids": [str(uuid.uuid4())]}, headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "org_ids.0"
    r = await planning.post(scope_url, json={"org_ids": []}, headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "org_ids"
    cov = await coverage(planning, office, tid)
    assert not cov["full"] and cov["percent"] < 100 and cov["reached_at"] is not None

    # A second round covers them again: coverage is back to 100 %, but the event is not.
    r2 = await create_round(
        planning, office, tid, mode="revisit", on_site_from="2022-09-01", on_site_until="2022-09-30"
    )
    await staff_round(db, r2["id"], ids(orgs, [last, spare]), groups=1)
    await advance_to(planning, office, r2["id"], "closed")
    assert (await coverage(planning, office, tid))["full"]
    assert len(await reached_events(db)) == 1
    changes = await db.fetch(
        "SELECT envelope FROM planning.outbox WHERE type = 'xuncha.planning.term.scope_changed.v1'"
        " ORDER BY seq"
    )
    data = [json.loads(c["envelope"])["data"] for c in changes]
    assert [len(d["removed_org_ids"]) for d in data] == [1, 1, 0]
    assert sorted(data[2]["added_org_ids"]) == sorted(
        [str(orgs[last]["id"]), str(orgs[spare]["id"])]
    )


async def test_two_rounds_completing_coverage_at_once_emit_one_event(
    planning: Any, office: str, db: Any
) -> None:
    orgs = await import_orgs(
        planning, office, db, county_orgs(seed=8, townships=1, departments=3, villages=2)
    )
    codes = sorted(orgs)
    term = await create_term(planning, office, planned_rounds=2)
    a = await create_round(planning, office, term["id"])
    b = await create_round(planning, office, term["id"])
    await staff_round(db, a["id"], ids(orgs, codes[::2]), groups=1)
    await staff_round(db, b["id"], ids(orgs, codes[1::2]), groups=1)
    for rnd in (a, b):
        await advance_to(planning, office, rnd["id"], "reporting")
    results = await asyncio.gather(
        *(
            planning.post(
                f"/api/planning/rounds/{rnd['id']}/transitions",
                json={"to_status": "feedback"},
                headers=auth(office),
            )
            for rnd in (a, b)
        )
    )
    assert [r.status_code for r in results] == [200, 200]
    [event] = await reached_events(db)
    assert event["data"]["rounds_held"] == 2
    assert event["data"]["round_id"] in {a["id"], b["id"]}

"""Terms and rounds over HTTP: planning, the lifecycle state machine, briefings, lists."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event

from xuncha.demo.data.orgs import county_orgs

from .rounds_factories import (
    LIFECYCLE,
    advance,
    auth,
    create_round,
    create_term,
    import_orgs,
)

J = "410825"


@pytest.fixture
async def planning(platform: Any, clock: Any) -> Any:
    clock.set(datetime(2022, 6, 1, 2, 0, tzinfo=UTC))
    return (await platform("planning")).client("planning")


@pytest.fixture
def office(token: Any) -> str:
    return str(token(Role.office, jurisdiction=J, subject="office-zhang"))


async def outbox(db: Any, kind: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT envelope FROM planning.outbox WHERE type = $1 ORDER BY seq",
        f"xuncha.planning.{kind}.v1",
    )
    return [json.loads(r["envelope"]) for r in rows]


async def test_term_scope_defaults_to_every_active_org(planning: Any, office: str, db: Any) -> None:
    orgs = await import_orgs(
        planning, office, db, county_orgs(seed=4, townships=2, departments=3, villages=4)
    )
    inactive = next(o for o in orgs.values() if o["kind"] == "department")
    r = await planning.patch(
        f"/api/planning/orgs/{inactive['id']}",
        json={"active": False},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 200, r.text
    term = await create_term(planning, office)
    assert term["orgs_in_scope"] == len(orgs) - 1 and term["rounds"] == 0
    assert term["version"] == 1 and term["jurisdiction"] == J
    in_scope = await db.fetchval(
        "SELECT count(*) FROM planning.term_orgs WHERE term_id = $1", term["id"]
    )
    assert in_scope == len(orgs) - 1
    [opened] = await outbox(db, "term.opened")
    assert opened["subject"] == term["id"] and opened["data"]["orgs_in_scope"] == len(orgs) - 1
    assert_valid_event(opened)

    # An explicit scope is checked org by org: unknown and inactive ones are named.
    first = next(iter(orgs.values()))["id"]
    r = await planning.post(
        "/api/planning/terms",
        json={
            "name": "十二届县委",
            "starts_on": "2016-10-01",
            "ends_on": "2021-09-30",
            "planned_rounds": 12,
            "org_ids": [str(first), "00000000-0000-0000-0000-000000000001", str(inactive["id"])],
        },
        headers=auth(office),
    )
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["org_ids.1", "org_ids.2"]
    assert [e["code"] for e in r.json()["errors"]] == ["no-org", "org-inactive"]


async def test_term_input_is_checked(planning: Any, office: str) -> None:
    await create_term(planning, office)
    base = {"name": "x届", "starts_on": "2030-01-01", "ends_on": "2034-12-31", "planned_rounds": 3}
    cases = [
        ({**base, "ends_on": "2029-12-31"}, 422, "ends_on"),
        ({**base, "planned_rounds": 0}, 422, "planned_rounds"),
        ({**base, "name": ""}, 422, "name"),
        ({**base, "starts_on": "2030-02-30"}, 422, "starts_on"),
        ({**base, "colour": "red"}, 422, "colour"),
        ({**base, "org_ids": ["nope"]}, 422, "org_ids.0"),
        ({**base, "name": "十三届县委"}, 409, "name"),
        ({**base, "starts_on": "2026-09-30"}, 409, "starts_on"),
    ]
    for body, status, field in cases:
        r = await planning.post("/api/planning/terms", json=body, headers=auth(office))
        assert r.status_code == status, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["message_zh"] and r.json()["message_en"]


async def test_term_update_needs_if_match_and_keeps_rounds_inside(
    planning: Any, office: str, db: Any
) -> None:
    term = await create_term(planning, office)
    url = f"/api/planning/terms/{term['id']}"
    await create_round(
        planning, office, term["id"], on_site_from="2026-07-01", on_site_until="2026-08-31"
    )
    r = await planning.patch(url, json={"planned_rounds": 14}, headers=auth(office))
    assert r.status_code == 428
    r = await planning.patch(
        url, json={"ends_on": "2026-08-01"}, headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 409 and r.json()["field"] == "ends_on"
    assert r.json()["type"].endswith("/round-outside-term")
    r = await planning.patch(
        url, json={"planned_rounds": None}, headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 422 and r.json()["field"] == "planned_rounds"
    r = await planning.patch(
        url, json={"planned_rounds": 14}, headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 200, r.text
    assert r.json()["planned_rounds"] == 14 and r.headers["ETag"] == '"2"'
    r = await planning.patch(
        url, json={"planned_rounds": 13}, headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 412
    [updated] = await outbox(db, "term.updated")
    assert updated["data"]["planned_rounds"] == 14 and updated["data"]["version"] == 2


async def test_round_modes_and_dates_are_validated(planning: Any, office: str) -> None:
    term = await create_term(planning, office)
    url = f"/api/planning/terms/{term['id']}/rounds"
    ok = {"mode": "regular", "on_site_from": "2022-03-01", "on_site_until": "2022-04-30"}
    cases = [
        ({**ok, "mode": "special"}, "theme"),
        ({**ok, "mode": "special", "theme": "扶贫领域"}, "focus_checklist"),
        (
            {**ok, "mode": "special", "theme": "扶贫", "focus_checklist": ["  "]},
            "focus_checklist.0",
        ),
        ({**ok, "mode": "cross"}, "inspecting_jurisdiction"),
        ({**ok, "mode": "escalated", "inspecting_jurisdiction": J}, "inspecting_jurisdiction"),
        ({**ok, "inspecting_jurisdiction": "410800"}, "inspecting_jurisdiction"),
        ({**ok, "inspecting_jurisdiction": "bad code!"}, "inspecting_jurisdiction"),
        ({**ok, "mode": "surprise"}, "mode"),
        ({**ok, "on_site_until": "2022-02-28"}, "on_site_until"),
        ({**ok, "on_site_from": "2021-09-01"}, "on_site_from"),
        ({**ok, "on_site_until": "2026-10-01"}, "on_site_until"),
        ({**ok, "number": 0}, "number"),
        ({k: v for k, v in ok.items() if k != "on_site_from"}, "on_site_from"),
    ]
    for body, field in cases:
        r = await planning.post(url, json=body, headers=auth(office))
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
    special = await create_round(
        planning,
        office,
        term["id"],
        mode="special",
        theme="扶贫领域",
        focus_checklist=["领导班子政治意识", "扶贫资金落实", "驻村第一书记履职"],
    )
    assert special["number"] == 1 and special["name"] == "第1轮巡察"
    assert special["mode_zh"] == "专项巡察" and special["status"] == "planned"
    assert special["allowed_transitions"] == ["mobilized"]
    cross = await create_round(
        planning, office, term["id"], mode="cross", inspecting_jurisdiction="410883", name="交叉"
    )
    assert cross["number"] == 2 and cross["inspecting_jurisdiction"] == "410883"
    r = await planning.post(url, json={**ok, "number": 2}, headers=auth(office))
    assert r.status_code == 409 and r.json()["field"] == "number"


async def test_lifecycle_moves_one_stage_at_a_time(planning: Any, office: str, db: Any) -> None:
    term = await create_term(planning, office)
    rnd = await create_round(planning, office, term["id"])
    url = f"/api/planning/rounds/{rnd['id']}/transitions"

    # Skipping a stage is a 409 that lists, in data and in words, what is allowed.
    r = await planning.post(url, json={"to_status": "on_site"}, headers=auth(office))
    assert r.status_code == 409
    problem = r.json()
    assert problem["allowed"] == ["mobilized"] and problem["current_status"] == "planned"
    assert problem["field"] == "to_status" and "已动员部署" in problem["message_zh"]
    assert "mobilized" in problem["message_en"]
    r = await planning.post(url, json={"to_status": "finished"}, headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "to_status"

    for i, status in enumerate(LIFECYCLE[1:], start=1):
        moved = await advance(planning, office, rnd["id"], status)
        assert moved["status"] == status and moved["version"] == 1 + i
    # Going back, or anywhere after closing, is refused with nothing allowed.
    r = await planning.post(url, json={"to_status": "rectifying"}, headers=auth(office))
    assert r.status_code == 409 and r.json()["allowed"] == []
    assert "已结束" in r.json()["message_zh"]
    # A stale If-Match is refused even for a legal move.
    rnd2 = await create_round(planning, office, term["id"])
    r = await planning.post(
        f"/api/planning/rounds/{rnd2['id']}/transitions",
        json={"to_status": "mobilized"},
        headers=auth(office, **{"If-Match": '"7"'}),
    )
    assert r.status_code == 412

    detail = (await planning.get(f"/api/planning/rounds/{rnd['id']}", headers=auth(office))).json()
    assert [(t["from_status"], t["to_status"]) for t in detail["transitions"]] == list(
        itertools.pairwise(LIFECYCLE)
    )
    assert {t["actor"] for t in detail["transitions"]} == {"office-zhang"}
    rows = await db.fetch(
        "SELECT from_status, to_status FROM planning.round_transitions WHERE round_id = $1",
        rnd["id"],
    )
    assert len(rows) == 6

    # One event per transition, carrying from/to and the round's dates; all in the catalog.
    events = await outbox(db, "round.advanced")
    assert [(e["data"]["from_status"], e["data"]["to_status"]) for e in events] == list(
        itertools.pairwise(LIFECYCLE)
    )
    assert all(e["data"]["on_site_from"] == "2022-03-01" for e in events)
    assert [e["data"]["version"] for e in events] == [2, 3, 4, 5, 6, 7]
    scheduled = await outbox(db, "round.scheduled")
    assert len(scheduled) == 2 and scheduled[0]["data"]["status"] == "planned"
    for envelope in [*events, *scheduled]:
        assert_valid_event(envelope)
        assert envelope["jurisdiction"] == J


async def test_only_planned_rounds_change_and_only_with_if_match(
    planning: Any, office: str, db: Any
) -> None:
    term = await create_term(planning, office)
    rnd = await create_round(planning, office, term["id"])
    url = f"/api/planning/rounds/{rnd['id']}"
    assert (await planning.patch(url, json={"name": "x"}, headers=auth(office))).status_code == 428
    r = await planning.patch(
        url,
        json={"mode": "special", "theme": "营商环境"},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 422 and r.json()["field"] == "focus_checklist"
    r = await planning.patch(url, json={"name": None}, headers=auth(office, **{"If-Match": '"1"'}))
    assert r.status_code == 422 and r.json()["field"] == "name"
    r = await planning.patch(
        url,
        json={"name": "第一轮（营商环境）", "on_site_until": "2022-05-15", "theme": "营商环境"},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 200, r.text
    assert r.json()["on_site_until"] == "2022-05-15" and r.headers["ETag"] == '"2"'
    r = await planning.patch(url, json={"name": "y"}, headers=auth(office, **{"If-Match": '"1"'}))
    assert r.status_code == 412
    [updated] = await outbox(db, "round.updated")
    assert updated["data"]["on_site_until"] == "2022-05-15" and updated["data"]["version"] == 2
    await advance(planning, office, rnd["id"], "mobilized")
    r = await planning.patch(url, json={"name": "z"}, headers=auth(office, **{"If-Match": '"3"'}))
    assert r.status_code == 409 and r.json()["type"].endswith("/round-not-planned")


async def test_briefings_follow_the_round(planning: Any, office: str, token: Any) -> None:
    leadership = token(Role.leadership, jurisdiction=J, subject="leader-li")
    term = await create_term(planning, office)
    rnd = await create_round(planning, office, term["id"])
    url = f"/api/planning/rounds/{rnd['id']}/briefings"
    before = {"stage": "before", "held_on": "2022-02-20", "summary": "听取第1轮巡察工作方案汇报"}
    r = await planning.post(url, json=before, headers=auth(leadership))
    assert r.status_code == 201, r.text
    assert r.json()["recorded_by"] == "leader-li"
    # Too early for a mid-round briefing; the problem says which stages are allowed now.
    during = {"stage": "during", "held_on": "2022-03-20", "summary": "巡中汇报"}
    r = await planning.post(url, json=during, headers=auth(leadership))
    assert r.status_code == 409 and r.json()["allowed"] == ["before"]
    for body, field in [
        ({**before, "held_on": "2022-06-02"}, "held_on"),  # after "today" (2022-06-01)
        ({**before, "held_on": "2021-01-01"}, "held_on"),  # before the term
        ({**before, "stage": "midway"}, "stage"),
        ({**before, "summary": ""}, "summary"),
    ]:
        r = await planning.post(url, json=body, headers=auth(leadership))
        assert r.status_code == 422 and r.json()["field"] == field, (body, r.text)
    await advance(planning, office, rnd["id"], "mobilized")
    await advance(planning, office, rnd["id"], "on_site")
    r = await planning.post(url, json=during, headers=auth(office))
    assert r.status_code == 201
    for i in range(3):
        body = {**during, "held_on": f"2022-04-0{i + 1}", "summary": f"巡中汇报 {i}"}
        assert (await planning.post(url, json=body, headers=auth(leadership))).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await planning.get(url, params=params, headers=auth(leadership))).json()
        assert page["total"] == 5
        seen += [b["held_on"] for b in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == 5
    page = (await planning.get(url, params={"stage": "before"}, headers=auth(office))).json()
    assert page["total"] == 1
    detail = (await planning.get(f"/api/planning/rounds/{rnd['id']}", headers=auth(office))).json()
    assert [b["stage"] for b in detail["briefings"]] == ["before"] + ["during"] * 4


async def test_rounds_list_filters_sorts_and_paginates(planning: Any, office: str) -> None:
    term = await create_term(planning, office)
    other = await create_term(
        planning, office, name="十四届县委", starts_on="2026-10-01", ends_on="2031-09-30"
    )
    created = []
    for i in range(7):
        month = 3 + i
        created.append(
            await create_round(
                planning,
                office,
                term["id"],
                mode="mobile" if i % 3 == 0 else "regular",
                on_site_from=f"2022-{month:02d}-01",
                on_site_until=f"2022-{month:02d}-14",
            )
        )
    await create_round(
        planning, office, other["id"], on_site_from="2027-03-01", on_site_until="2027-04-30"
    )
    await advance(planning, office, created[2]["id"], "mobilized")
    await advance(planning, office, created[5]["id"], "mobilized")

    async def all_pages(**params: Any) -> tuple[list[dict[str, Any]], int]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {**params, "limit": 3, **({"cursor": cursor} if cursor else {})}
            r = await planning.get("/api/planning/rounds", params=query, headers=auth(office))
            assert r.status_code == 200, r.text
            items += r.json()["items"]
            cursor = r.json()["next_cursor"]
            if not cursor:
                return items, r.json()["total"]

    items, total = await all_pages(term_id=term["id"])
    assert total == 7 and [r["number"] for r in items] == [1, 2, 3, 4, 5, 6, 7]
    items, _ = await all_pages(term_id=term["id"], sort="-on_site_from")
    assert [r["number"] for r in items] == [7, 6, 5, 4, 3, 2, 1]
    items, total = await all_pages(status="mobilized")
    assert total == 2 and {r["number"] for r in items} == {3, 6}
    items, total = await all_pages(mode="mobile", term_id=term["id"])
    assert total == 3 and {r["number"] for r in items} == {1, 4, 7}
    items, total = await all_pages()
    assert total == 8
    # A cursor from one sort order is refused for another, and a forged one too.
    r = await planning.get(
        "/api/planning/rounds", params={"limit": 3, "term_id": term["id"]}, headers=auth(office)
    )
    cursor = r.json()["next_cursor"]
    r = await planning.get(
        "/api/planning/rounds",
        params={"cursor": cursor, "sort": "-on_site_from"},
        headers=auth(office),
    )
    assert r.status_code == 400 and r.json()["field"] == "cursor"
    r = await planning.get(
        "/api/planning/rounds", params={"cursor": "WyJ4Il0="}, headers=auth(office)
    )
    assert r.status_code == 400 and r.json()["field"] == "cursor"
    r = await planning.get("/api/planning/rounds", params={"status": "done"}, headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "status.0"

    terms = (await planning.get("/api/planning/terms", headers=auth(office))).json()
    assert [t["name"] for t in terms["items"]] == ["十四届县委", "十三届县委"]
    assert terms["items"][1]["rounds"] == 7
    r = await planning.get(
        "/api/planning/terms", params={"active_on": "2023-01-01"}, headers=auth(office)
    )
    assert [t["name"] for t in r.json()["items"]] == ["十三届县委"]


async def test_creates_and_transitions_are_idempotent(planning: Any, office: str, db: Any) -> None:
    term = await create_term(planning, office)
    body = {"mode": "regular", "on_site_from": "2022-03-01", "on_site_until": "2022-04-30"}
    headers = auth(office, **{"Idempotency-Key": "round-1-create"})
    url = f"/api/planning/terms/{term['id']}/rounds"
    first = await planning.post(url, json=body, headers=headers)
    again = await planning.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert first.headers["Location"] == f"/api/planning/rounds/{first.json()['id']}"
    assert await db.fetchval("SELECT count(*) FROM planning.rounds") == 1
    move = auth(office, **{"Idempotency-Key": "round-1-mobilize"})
    turl = f"/api/planning/rounds/{first.json()['id']}/transitions"
    a = await planning.post(turl, json={"to_status": "mobilized"}, headers=move)
    b = await planning.post(turl, json={"to_status": "mobilized"}, headers=move)
    assert a.status_code == b.status_code == 200 and b.json() == a.json()
    assert await db.fetchval("SELECT count(*) FROM planning.round_transitions") == 1
    assert len(await outbox(db, "round.advanced")) == 1

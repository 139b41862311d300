"""A 温县-sized county (11 townships, 79 departments, 270 villages and communities) through a
whole term: 5 years × 3 rounds, orgs assigned round by round, coverage reaching 100 % only
when the last org's round reaches feedback, and every round event consumed from the topic
as a partner agency would, on the PostgreSQL bus and on a real Kafka broker."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.events.base import CloudEvent
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import read_topic

from xuncha.demo.data.orgs import county_orgs

from .rounds_factories import (
    LIFECYCLE,
    J,
    advance,
    auth,
    create_round,
    create_term,
    import_orgs,
    staff_round,
)

SCHEDULED = "xuncha.planning.round.scheduled.v1"
ADVANCED = "xuncha.planning.round.advanced.v1"
REACHED = "xuncha.planning.term.coverage_reached.v1"
# Modes of some rounds of the term (the others are regular).
MODES: dict[int, dict[str, Any]] = {
    4: {
        "mode": "special",
        "theme": "扶贫领域",
        "focus_checklist": ["领导班子政治意识", "扶贫资金落实", "帮扶工作实效", "第一书记履职"],
    },
    8: {"mode": "cross", "inspecting_jurisdiction": "410883"},
    12: {"mode": "escalated", "inspecting_jurisdiction": "410800"},
    13: {"mode": "joint", "theme": "与审计、纪检联合进驻"},
}


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    return date(d.year + month // 12, month % 12 + 1, d.day)


def at(d: date) -> datetime:
    return datetime.combine(d, time(9, 0), tzinfo=UTC)


def shares(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


async def run_round(
    client: Any, office: str, clock: Any, rnd: dict[str, Any], *, until: str = "closed"
) -> None:
    """The rhythm of 温县: mobilize a week ahead, two months on site, report, feed back,
    a month of concentrated rectification."""
    start = date.fromisoformat(rnd["on_site_from"])
    end = date.fromisoformat(rnd["on_site_until"])
    when = {
        "mobilized": start - timedelta(days=7),
        "on_site": start,
        "reporting": end + timedelta(days=1),
        "feedback": end + timedelta(days=15),
        "rectifying": end + timedelta(days=16),
        "closed": end + timedelta(days=45),
    }
    current = LIFECYCLE.index(rnd["status"])
    for status in LIFECYCLE[current + 1 : LIFECYCLE.index(until) + 1]:
        clock.set(at(when[status]))
        rnd.update(await advance(client, office, rnd["id"], status))


def distinct(events: list[CloudEvent]) -> list[CloudEvent]:
    """The events as an idempotent consumer applies them: delivery is at least once (a
    reader that does not commit offsets may be handed a message again), so a consumer
    keeps the first copy of each event id."""
    seen: dict[uuid.UUID, CloudEvent] = {}
    for event in events:
        seen.setdefault(event.id, event)
    return list(seen.values())


async def coverage(client: Any, tok: str, term_id: str) -> dict[str, Any]:
    r = await client.get(f"/api/planning/terms/{term_id}/coverage", headers=auth(tok))
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.mark.slow
async def test_county_term_on_the_postgres_bus(
    platform: Any, clock: Any, token: Any, db: Any
) -> None:
    await county_term(platform, clock, token, db, bus=None)


@pytest.mark.slow
@pytest.mark.kafka
async def test_county_term_on_kafka(
    platform: Any, clock: Any, token: Any, db: Any, kafka_bus: Any
) -> None:
    await county_term(platform, clock, token, db, bus=kafka_bus)


async def county_term(platform: Any, clock: Any, token: Any, db: Any, *, bus: Any) -> None:
    """The whole term, on the given bus (the PostgreSQL log when None)."""
    clock.set(at(date(2021, 10, 8)))
    running = await platform("planning", bus=bus)
    client = running.client("planning")
    office = token(Role.office, jurisdiction=J)
    leadership = token(Role.leadership, jurisdiction=J)

    rows = county_orgs(seed=0)
    orgs = await import_orgs(client, office, db, rows)
    kinds = Counter(str(o["kind"]) for o in orgs.values())
    assert len(orgs) == 360 and kinds["township"] == 11 and kinds["department"] == 79
    term = await create_term(client, office)  # 十三届县委, 2021-10-01 … 2026-09-30, 15 rounds
    tid = term["id"]
    assert term["orgs_in_scope"] == 360

    # Townships come before their villages in code order, so a round takes a township with
    # its villages (巡乡带村). The first three rounds are small; the last org waits.
    codes = sorted(orgs)
    last_code = codes[-1]
    plan = [15, 15, 15, *shares(360 - 45 - 1, 12)]
    rounds: list[dict[str, Any]] = []
    taken = 0
    for number, size in enumerate(plan, start=1):
        start = add_months(date(2021, 11, 1), 4 * (number - 1))
        rnd = await create_round(
            client,
            office,
            tid,
            on_site_from=start.isoformat(),
            on_site_until=(add_months(start, 2) - timedelta(days=1)).isoformat(),
            **MODES.get(number, {}),
        )
        assert rnd["number"] == number
        await staff_round(db, rnd["id"], [orgs[c]["id"] for c in codes[taken : taken + size]])
        taken += size
        await run_round(client, office, clock, rnd)
        rounds.append(rnd)
        if number == 3:
            cov = await coverage(client, leadership, tid)
            assert (cov["covered"], cov["pace"]["outlook"]) == (45, "behind")
            assert cov["pace"]["needed_per_round"] == 27 and cov["pace"]["reachable"] is False
            assert "尚差" in cov["pace"]["message_zh"] and "short" in cov["pace"]["message_en"]
        if number == 9:
            # Later rounds are bigger, but the slow start still weighs on the average.
            cov = await coverage(client, leadership, tid)
            assert cov["covered"] == taken and cov["pace"]["outlook"] == "behind"
            assert cov["pace"]["needed_per_round"] == -(-(360 - taken) // 6)
    assert taken == 359

    # Every planned round is held and one org is still to go: not full coverage.
    cov = await coverage(client, leadership, tid)
    assert (cov["covered"], cov["remaining"], cov["percent"], cov["full"]) == (359, 1, 99.7, False)
    assert [o["code"] for o in cov["still_to_go"]["items"]] == [last_code]
    assert cov["pace"]["outlook"] == "out_of_rounds" and cov["pace"]["rounds_held"] == 15
    assert "须增加轮次" in cov["pace"]["message_zh"]
    assert await db.fetchval("SELECT count(*) FROM planning.outbox WHERE type = $1", REACHED) == 0

    # A short mobile round (机动式巡察, two weeks) takes the last org: now it is complete.
    mobile = await create_round(
        client,
        office,
        tid,
        mode="mobile",
        name="第16轮（机动）",
        on_site_from="2026-09-01",
        on_site_until="2026-09-14",
    )
    await staff_round(db, mobile["id"], [orgs[last_code]["id"]], groups=1)
    await run_round(client, office, clock, mobile, until="reporting")
    assert (await coverage(client, leadership, tid))["covered"] == 359
    await run_round(client, office, clock, mobile, until="feedback")
    cov = await coverage(client, leadership, tid)
    assert (cov["covered"], cov["percent"], cov["full"]) == (360, 100.0, True)
    assert cov["reached_by_round_id"] == mobile["id"] and cov["pace"]["outlook"] == "reached"
    assert all(k["percent"] == 100.0 for k in cov["by_kind"])
    assert cov["still_to_go"] == {
        "items": [],
        "next_cursor": None,
        "total": 0,
        "total_exact": True,
    }
    await run_round(client, office, clock, mobile)
    rounds.append(mobile)

    # A partner agency reading the topic sees each round scheduled, each move in order, and
    # full coverage announced exactly once, by the mobile round.
    runtime = running.apps["planning"].state.runtime
    moves = 6 * len(rounds)

    def done(events: list[CloudEvent]) -> bool:
        return sum(e.type == ADVANCED for e in distinct(events)) >= moves

    events = distinct(await read_topic(runtime.bus, runtime.settings.topic, until=done, timeout=90))
    for event in events:
        assert_valid_event(event.to_json_bytes())
    ours = [e for e in events if e.type in {SCHEDULED, ADVANCED, REACHED}]
    assert Counter(e.type for e in ours) == {SCHEDULED: 16, ADVANCED: moves, REACHED: 1}
    by_round: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in ours:
        if e.type == ADVANCED:
            by_round[e.subject].append((e.data["from_status"], e.data["to_status"]))
    assert set(by_round) == {r["id"] for r in rounds}
    assert all(moves_ == list(itertools.pairwise(LIFECYCLE)) for moves_ in by_round.values())
    [reached] = [e for e in ours if e.type == REACHED]
    assert reached.subject == tid and reached.jurisdiction == J
    assert reached.data["round_id"] == mobile["id"] and reached.data["orgs_in_scope"] == 360
    assert (reached.data["rounds_held"], reached.data["planned_rounds"]) == (16, 15)
    feedback = next(
        e for e in ours if e.subject == mobile["id"] and e.data.get("to_status") == "feedback"
    )
    assert feedback.data["on_site_from"] == "2026-09-01" and feedback.data["mode"] == "mobile"
    special = next(e for e in ours if e.type == SCHEDULED and e.data["number"] == 4)
    assert special.data["theme"] == "扶贫领域" and len(special.data["focus_checklist"]) == 4
    assert uuid.UUID(reached.data["term_id"]) == uuid.UUID(tid)

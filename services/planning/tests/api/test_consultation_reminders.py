"""Time-based facts of the consultation, with the clock moved: a due-soon reminder one working
day before the due day and an overdue notice once the deadline passes, each emitted once per
consultation and deadline; and the events as a partner consumes them from Kafka."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import read_topic
from xuncha_shared.workdays import SHANGHAI

from services.planning.tests.api.consultation_factories import (
    BASE,
    answer,
    ask,
    auth,
    county,
    department_token,
)

PREFIX = "xuncha.planning.consultation."


def beijing(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


async def facts(db: Any, kind: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT envelope FROM planning.outbox WHERE type = $1 ORDER BY seq", f"{PREFIX}{kind}.v1"
    )
    envelopes = [json.loads(r["envelope"]) for r in rows]
    for envelope in envelopes:
        assert_valid_event(envelope)
    return envelopes


async def test_due_soon_and_overdue_are_emitted_once_per_deadline(
    platform: Any, token: Any, db: Any, clock: Any
) -> None:
    clock.set(beijing(2026, 3, 2, 9, 0))  # Monday
    running = await platform("planning", scheduler_enabled=False)
    planning, runtime = running.client("planning"), running.apps["planning"].state.runtime
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    discipline = department_token(token, place, "discipline")
    audit = department_token(token, place, "audit", role="department")

    late = await ask(planning, office, place, "discipline")  # due Monday 9 March
    answered = await ask(planning, office, place, "audit", org_ids=[str(place.orgs["town_a"])])
    closed = await ask(planning, office, place, "police", topics=["public_security"])
    short = await ask(planning, office, place, "petitions", reply_workdays=1)  # due Tuesday
    await answer(planning, discipline, late["id"], place.orgs["town_a"], "serious")
    await answer(planning, audit, answered["id"], place.orgs["town_a"])
    r = await planning.post(
        f"{BASE}/consultations/{closed['id']}/close", headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 200

    async def tick(at: datetime) -> tuple[list[str], list[str]]:
        clock.set(at)
        await run_periodic_once(runtime)
        await run_periodic_once(runtime)  # a second run (or replica) adds nothing
        return (
            [e["subject"] for e in await facts(db, "due_soon")],
            [e["subject"] for e in await facts(db, "overdue")],
        )

    assert await tick(beijing(2026, 3, 2, 9, 1)) == ([], [])
    # A one-day request had no time for a reminder; it is overdue from Wednesday.
    assert await tick(beijing(2026, 3, 5, 23, 59)) == ([], [short["id"]])
    # The reminder comes at the start of Friday, the working day before the due day.
    assert await tick(beijing(2026, 3, 6, 0, 0, 1)) == ([late["id"]], [short["id"]])
    # The due day is in time until its very end in Beijing.
    assert await tick(beijing(2026, 3, 9, 23, 59, 59)) == ([late["id"]], [short["id"]])
    assert await tick(beijing(2026, 3, 10, 0, 0, 1)) == ([late["id"]], [short["id"], late["id"]])
    assert await tick(beijing(2026, 3, 11, 9, 0)) == ([late["id"]], [short["id"], late["id"]])

    overdue = (await facts(db, "overdue"))[1]["data"]
    assert overdue["due_on"] == "2026-03-09" and overdue["answered_count"] == 1
    assert overdue["org_count"] == 4
    assert overdue["unanswered_org_ids"] == [
        str(place.orgs[k]) for k in ("village", "town_b", "finance")
    ]
    (soon,) = await facts(db, "due_soon")
    assert soon["data"]["unanswered_org_ids"] == overdue["unanswered_org_ids"]
    r = await planning.get(f"{BASE}/consultations/{late['id']}", headers=auth(office))
    assert r.json()["overdue"] is True

    # An extension re-arms both reminders for the new deadline, once each.
    r = await planning.patch(
        f"{BASE}/consultations/{late['id']}",
        json={"due_on": "2026-03-13"},
        headers=auth(office, **{"If-Match": r.headers["ETag"]}),
    )
    assert r.status_code == 200 and r.json()["overdue"] is False
    soon_ids, late_ids = await tick(beijing(2026, 3, 12, 8, 0))
    assert soon_ids == [late["id"], late["id"]] and len(late_ids) == 2
    soon_ids, late_ids = await tick(beijing(2026, 3, 14, 0, 0, 1))
    assert soon_ids == [late["id"]] * 2 and late_ids == [short["id"], late["id"], late["id"]]
    assert (await facts(db, "overdue"))[-1]["data"]["due_on"] == "2026-03-13"

    # Answering everything late ends the reminders; nothing more follows.
    for key in ("village", "town_b", "finance"):
        await answer(planning, discipline, late["id"], place.orgs[key])
    clock.advance(timedelta(days=30))
    assert await tick(clock.now()) == (soon_ids, late_ids)


async def test_events_reach_a_partner_through_kafka(
    platform: Any, kafka_bus: Any, token: Any, db: Any, clock: Any
) -> None:
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    running = await platform("planning", bus=kafka_bus, scheduler_enabled=False)
    planning, runtime = running.client("planning"), running.apps["planning"].state.runtime
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    system = department_token(token, place, "discipline")
    c = await ask(planning, office, place, "discipline")
    secret = "反映该镇党委书记违规插手工程项目"
    await answer(planning, system, c["id"], place.orgs["town_a"], "serious", text=secret)
    clock.set(datetime(2026, 3, 10, 1, 0, tzinfo=UTC))
    await run_periodic_once(runtime)

    # The clock jumped past the deadline: overdue, and no due-soon reminder after the fact.
    wanted = {f"{PREFIX}{k}.v1" for k in ("requested", "answered", "overdue")}
    consumed = await read_topic(
        runtime.bus,
        runtime.settings.topic,
        until=lambda events: wanted <= {e.type for e in events},
    )
    mine = [e for e in consumed if e.type.startswith(PREFIX)]
    for event in mine:
        assert_valid_event(event.to_json_bytes())
        assert event.subject == c["id"] and event.jurisdiction == place.jurisdiction
        assert secret not in event.to_json_bytes().decode()
    by_type = {e.type: e for e in mine}
    assert by_type[f"{PREFIX}answered.v1"].data["severity"] == "serious"
    assert "text" not in by_type[f"{PREFIX}answered.v1"].data
    assert by_type[f"{PREFIX}overdue.v1"].data["answered_count"] == 1
    assert [e.type for e in mine] == [
        f"{PREFIX}{k}.v1" for k in ("requested", "answered", "overdue")
    ]

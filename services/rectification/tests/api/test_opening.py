"""Plans and tasks opened from findings' events: in any order, delivered twice, through the
real consumer on the PostgreSQL bus; one task per problem in the end."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.testing.plugin import eventually

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    OTHER,
    auth,
    county,
    deliver,
    feedback,
    handed_over,
    problem,
    publish,
    tasks_of,
    types_in_outbox,
)


@pytest.fixture(autouse=True)
def _monday(clock: Any) -> None:
    clock.set(MONDAY)


async def test_duplicate_feedback_and_handovers_through_the_consumer(
    platform: Any, db: Any, token: Any, database_url: str, topic_prefix: str
) -> None:
    running = await platform("rectification", scheduler_enabled=False)
    client = running.client("rectification")
    place = await county(db)
    immediate = [problem(immediate=True) for _ in range(3)]
    later = [problem(category="funds"), problem(livelihood=True, category="benefits")]
    fb = feedback(place, "town_a", immediate + later, at=MONDAY)

    bus = PostgresBus(database_url)
    await bus.start()
    try:
        # Two hand-overs before feedback, feedback twice, then every hand-over again (one of
        # them for the first time: the group handed it over after feedback went out).
        await publish(
            bus,
            topic_prefix,
            *(
                handed_over(place, "town_a", p, at=MONDAY - timedelta(days=20))
                for p in immediate[:2]
            ),
        )
        await publish(bus, topic_prefix, fb, fb)
        await publish(
            bus, topic_prefix, *(handed_over(place, "town_a", p, at=MONDAY) for p in immediate)
        )
        await publish(bus, topic_prefix, fb)

        async def settled() -> bool:
            handled = await db.fetchval(
                "SELECT count(*) FROM rectification.inbox WHERE event_type LIKE 'xuncha.findings.%'"
            )
            return bool(handled == 8)

        await eventually(settled)
    finally:
        await bus.stop()

    assert await db.fetchval("SELECT count(*) FROM rectification.plans") == 1
    assert await db.fetchval("SELECT count(*) FROM rectification.tasks") == 5
    assert await db.fetchval("SELECT count(DISTINCT problem_id) FROM rectification.tasks") == 5
    types = await types_in_outbox(db)
    assert types.count("task.opened.v1") == 5
    # Announced once, when feedback set its deadlines, however the hand-overs fell.
    assert types.count("plan.opened.v1") == 1

    office = token(Role.office, jurisdiction=place.jurisdiction)
    tasks = await tasks_of(client, office)
    kinds = sorted(t["kind"] for t in tasks)
    assert kinds == ["immediate", "immediate", "immediate", "short", "short"]
    assert sum(t["livelihood"] for t in tasks) == 1
    (plan,) = (await client.get(f"{BASE}/plans", headers=auth(office))).json()["items"]
    # 温县 defaults: plan due 15 working days after feedback, a one-month period, the
    # report 5 working days after it.
    assert plan["status"] == "drafting" and plan["task_count"] == 5
    assert plan["plan_due_on"] == "2026-03-23"
    assert plan["period_ends_on"] == "2026-04-02"
    assert plan["report_due_on"] == "2026-04-10"  # 清明 4–6 April are off
    assert plan["org_name"] == "第1镇党委"


async def test_feedback_first_then_handover_opens_nothing_new(
    platform: Any, db: Any, token: Any
) -> None:
    running = await platform("rectification", scheduler_enabled=False)
    app = running.apps["rectification"]
    place = await county(db)
    p = problem(immediate=True)
    fb = feedback(place, "town_b", [p, problem()], at=MONDAY)
    await deliver(app, fb, handed_over(place, "town_b", p, at=MONDAY), fb)
    assert await db.fetchval("SELECT count(*) FROM rectification.tasks") == 2
    types = await types_in_outbox(db)
    assert types == ["task.opened.v1", "task.opened.v1", "plan.opened.v1"]
    row = await db.fetchrow(
        "SELECT kind, immediate FROM rectification.tasks WHERE problem_id=$1", p.problem_id
    )
    assert row["kind"] == "immediate" and row["immediate"] is True


async def test_the_jurisdictions_rhythm_sets_the_deadlines(
    platform: Any, db: Any, token: Any
) -> None:
    running = await platform("rectification", scheduler_enabled=False)
    client = running.client("rectification")
    wen = await county(db)  # 温县: the defaults (one month of concentrated rectification)
    other = await county(db, OTHER, orgs=1)
    office = token(Role.office, jurisdiction=OTHER)
    r = await client.get(f"{BASE}/rules", headers=auth(office))
    assert r.json()["is_default"] is True and r.json()["rules"]["period_months"] == 1
    body = {"period_months": 2, "plan_due_workdays": 10, "report_due_workdays": 0}
    r = await client.put(f"{BASE}/rules", json=body, headers=auth(office))
    assert r.status_code == 201 and r.headers["ETag"] == '"1"'
    r = await client.put(f"{BASE}/rules", json=body, headers=auth(office))
    assert r.status_code == 428
    r = await client.put(
        f"{BASE}/rules", json={"fair_score": 90, "good_score": 80},
        headers=auth(office, **{"If-Match": '"1"'}),
    )  # fmt: skip
    assert r.status_code == 422
    await deliver(
        running.apps["rectification"],
        feedback(wen, "town_a", [problem()], at=MONDAY),
        feedback(other, "town_a", [problem()], at=MONDAY),
    )
    rows = await db.fetch(
        "SELECT jurisdiction, plan_due_on, period_ends_on, report_due_on FROM rectification.plans"
    )
    dates = {r["jurisdiction"]: tuple(str(d) for d in list(r.values())[1:]) for r in rows}
    assert dates[wen.jurisdiction] == ("2026-03-23", "2026-04-02", "2026-04-10")
    assert dates[OTHER] == ("2026-03-16", "2026-05-02", "2026-05-06")


async def test_racing_deliveries_open_each_task_once(platform: Any, db: Any) -> None:
    """Hand-overs and feedback handled at the same moment by parallel consumers (different
    partitions): the natural keys, not luck, keep one plan and one task per problem."""
    running = await platform("rectification", scheduler_enabled=False)
    app = running.apps["rectification"]
    place = await county(db)
    immediate = [problem(immediate=True) for _ in range(3)]
    fb = feedback(place, "town_c", [*immediate, problem(), problem()], at=MONDAY)
    await asyncio.gather(
        deliver(app, fb),
        deliver(app, fb),
        *(deliver(app, handed_over(place, "town_c", p, at=MONDAY)) for p in immediate),
    )
    assert await db.fetchval("SELECT count(*) FROM rectification.plans") == 1
    assert await db.fetchval("SELECT count(*) FROM rectification.tasks") == 5
    types = await types_in_outbox(db)
    assert types.count("task.opened.v1") == 5 and types.count("plan.opened.v1") == 1
    assert await db.fetchval("SELECT feedback_id FROM rectification.plans") == fb.feedback_id

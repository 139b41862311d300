"""On the real Kafka broker: findings' hand-over and feedback, each delivered twice and in
both orders, reach the consumer and open each task once; rectification's own events reach
a partner consuming the topic, valid against the catalog."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import eventually, read_topic

from services.rectification.tests.api.factories import (
    MONDAY,
    county,
    feedback,
    handed_over,
    problem,
    publish,
    tick,
)

pytestmark = pytest.mark.kafka


async def test_duplicate_feedback_on_kafka(
    platform: Any, kafka_bus: Any, db: Any, clock: Any, topic_prefix: str
) -> None:
    clock.set(MONDAY)
    running = await platform("rectification", bus=kafka_bus, scheduler_enabled=False)
    runtime = running.apps["rectification"].state.runtime
    place = await county(db)
    early, late = problem(immediate=True), problem(immediate=True)
    fb = feedback(place, "town_a", [early, late, problem()], at=MONDAY)
    await publish(
        kafka_bus, topic_prefix, handed_over(place, "town_a", early, at=MONDAY - timedelta(days=9))
    )
    await publish(kafka_bus, topic_prefix, fb, fb)
    await publish(kafka_bus, topic_prefix, handed_over(place, "town_a", late, at=MONDAY))
    await publish(
        kafka_bus, topic_prefix, handed_over(place, "town_a", early, at=MONDAY - timedelta(days=9))
    )

    async def handled() -> bool:
        n = await db.fetchval("SELECT count(*) FROM rectification.inbox")
        return bool(n == 5)

    await eventually(handled, timeout=60)
    assert await db.fetchval("SELECT count(*) FROM rectification.tasks") == 3
    clock.set(MONDAY + timedelta(days=40))
    await tick(running.apps["rectification"])

    wanted = {"xuncha.rectification.task.opened.v1", "xuncha.rectification.plan.opened.v1",
              "xuncha.rectification.deadline.overdue.v1"}  # fmt: skip
    consumed = await read_topic(
        kafka_bus, runtime.settings.topic, until=lambda events: wanted <= {e.type for e in events}
    )
    for event in consumed:
        assert_valid_event(event.to_json_bytes())
        assert event.jurisdiction == place.jurisdiction
    opened = [e for e in consumed if e.type.endswith("task.opened.v1")]
    assert len(opened) == 3 and len({e.data["problem_id"] for e in opened}) == 3

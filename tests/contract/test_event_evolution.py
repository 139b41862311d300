"""Rolling upgrades: events of one version keep flowing while services are upgraded one at a
time.

Within a version an event only grows by optional fields (ARCHITECTURE.md: additive only),
and either side of a topic may be upgraded first:

- a newer producer's event reaches a consumer built before the field existed: the consumer
  ignores the field, at the top of ``data`` and inside nested objects, and applies the event
  instead of dead-lettering it;
- an older producer's event reaches a consumer built after the field was added: the field
  is absent and takes its default.

Both run through the real consumer (inbox, handler transaction, retries, dead-letter topic)
of the rectification service on the PostgreSQL bus, with its real feedback handler. The
"newer revision" of ``findings.feedback.issued.v1`` is defined here, as the next release of
the catalog would define it; the catalog plays the older one. Producers stay strict: the
catalog refuses any field it does not define, so no release can emit a field before the
catalog it is built with has it.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest
from pydantic import Field, ValidationError
from rectification.app import spec as rectification_spec
from rectification.plans.opening import open_plan_from_feedback
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.app import create_service_app
from xuncha_shared.auth import AuthConfig
from xuncha_shared.bus.base import BusMessage
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.clock import MovableClock
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.base import CloudEvent, envelope
from xuncha_shared.events.catalog import decode
from xuncha_shared.events.findings import FeedbackIssued, FeedbackProblem
from xuncha_shared.orgs import OrgKind
from xuncha_shared.settings import topic_for
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import eventually, run_app, settings_for

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

MONDAY = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in Beijing
JURISDICTION = "410825"


class FeedbackProblemNext(FeedbackProblem):
    """A problem as the next revision of the catalog describes it: with the rule it breaks."""

    rule_code: str | None = Field(default=None, title="违反的规定代码")


class FeedbackIssuedNext(FeedbackIssued):
    """``findings.feedback.issued.v1`` one revision later: an optional field added at the
    top of ``data`` and one inside every problem. Same type, same version."""

    problems: tuple[FeedbackProblemNext, ...] = Field(title="反馈问题清单")
    reply_due_on: date | None = Field(default=None, title="书面答复整改方案的期限")


def feedback_next(org_id: uuid.UUID | None = None) -> FeedbackIssuedNext:
    """Feedback as a findings release on the next revision emits it, new fields filled."""
    return FeedbackIssuedNext(
        jurisdiction=JURISDICTION,
        feedback_id=uuid.uuid4(),
        round_id=uuid.uuid4(),
        assignment_id=uuid.uuid4(),
        org_id=org_id or uuid.uuid4(),
        org_kind=OrgKind.township,
        problems=tuple(
            FeedbackProblemNext(
                problem_id=uuid.uuid4(),
                category=category,
                category_name=name,
                description=f"{name}方面的问题",
                immediate=False,
                rule_code=f"R-{category}",
            )
            for category, name in (("funds", "资金管理"), ("benefits", "惠民政策"))
        ),
        issued_at=MONDAY,
        reply_due_on=date(2026, 4, 1),
    )


def as_released_today(event: FeedbackIssuedNext) -> FeedbackIssued:
    """The same feedback as the catalog of today defines it (what an older findings emits)."""
    return FeedbackIssued.model_validate(
        event.model_dump(exclude={"reply_due_on": True, "problems": {"__all__": {"rule_code"}}})
    )


async def publish(database_url: str, topic_prefix: str, *events: CloudEvent) -> None:
    """Put envelopes on findings' topic as its outbox relay would."""
    bus = PostgresBus(database_url)
    await bus.start()
    try:
        await bus.publish(
            [
                BusMessage(
                    topic=topic_for(topic_prefix, "findings"),
                    key=e.subject,
                    value=e.to_json_bytes(),
                )
                for e in events
            ]
        )
    finally:
        await bus.stop()


async def dead_letters(db: asyncpg.Connection, dlq_topic: str) -> list[dict[str, str]]:
    """The headers of every dead letter on the topic (the error is in ``x-error``)."""
    rows = await db.fetch("SELECT headers FROM bus.log WHERE topic = $1 ORDER BY seq", dlq_topic)
    return [{k: v for k, v in json.loads(r["headers"])} for r in rows]


async def handled(db: asyncpg.Connection, event_id: uuid.UUID) -> bool:
    return bool(
        await db.fetchval("SELECT count(*) FROM rectification.inbox WHERE event_id = $1", event_id)
    )


async def tasks_of(db: asyncpg.Connection, org_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await db.fetch(
        "SELECT t.problem_id FROM rectification.tasks t "
        "JOIN rectification.plans p ON p.id = t.plan_id WHERE p.org_id = $1",
        org_id,
    )
    return {r["problem_id"] for r in rows}


def test_producers_still_refuse_fields_the_catalog_does_not_define() -> None:
    """A service on today's catalog cannot emit the next revision's fields: building the
    event fails, and the contract check every producer's tests run refuses the envelope.
    Only consumers are lenient."""
    newer = feedback_next()
    data = newer.model_dump(mode="json")
    with pytest.raises(ValidationError, match="extra_forbidden"):
        FeedbackIssued.model_validate(data)
    with pytest.raises(ValidationError, match="extra_forbidden"):
        FeedbackProblem.model_validate(data["problems"][0])
    with pytest.raises(ValidationError, match="extra_forbidden"):
        FeedbackIssuedNext.model_validate({**data, "added_two_revisions_later": 1})
    with pytest.raises(AssertionError, match="reply_due_on"):
        assert_valid_event(envelope(newer, time=MONDAY).model_dump(mode="json"))
    # The same envelope, read by a consumer on today's catalog: the known fields, intact.
    assert decode(envelope(newer, time=MONDAY)) == as_released_today(newer)


async def test_old_consumer_applies_an_event_with_fields_it_does_not_know(
    platform: Any, db: asyncpg.Connection, database_url: str, topic_prefix: str
) -> None:
    """Findings is upgraded first; rectification, still on today's catalog, gets feedback
    with a new field at the top and in every problem, and opens the plan and its tasks."""
    running = await platform("rectification", scheduler_enabled=False)
    dlq_topic = running.apps["rectification"].state.runtime.settings.dlq_topic
    newer = envelope(feedback_next(), time=MONDAY)
    assert {"reply_due_on"} <= set(newer.data)
    assert all("rule_code" in p for p in newer.data["problems"])
    # Tolerance is not indifference: data missing a required field still can never apply.
    broken_event = envelope(feedback_next(), time=MONDAY)
    broken = broken_event.model_copy(
        update={"data": {k: v for k, v in broken_event.data.items() if k != "issued_at"}}
    )
    await publish(database_url, topic_prefix, broken, newer)

    async def settled() -> bool:
        return await handled(db, newer.id) and len(await dead_letters(db, dlq_topic)) >= 1

    await eventually(settled)

    letters = await dead_letters(db, dlq_topic)
    assert len(letters) == 1, f"expected only the broken event dead-lettered, got {letters}"
    assert "rejected by the catalog" in letters[0]["x-error"]
    assert letters[0]["x-attempts"] == "1"
    assert not await handled(db, broken.id)
    problems = {uuid.UUID(p["problem_id"]) for p in newer.data["problems"]}
    assert await tasks_of(db, uuid.UUID(newer.subject)) == problems


async def test_new_consumer_applies_an_event_without_the_fields_it_added(
    db: asyncpg.Connection,
    database_url: str,
    topic_prefix: str,
    auth_config: AuthConfig,
    clock: MovableClock,
) -> None:
    """Rectification is upgraded first: its next release reads feedback as the next
    revision, and findings, not yet upgraded, still emits today's. The new fields come
    out as their defaults, and the plan and tasks open as before."""
    clock.set(MONDAY)
    received: list[FeedbackIssuedNext] = []
    handlers = HandlerRegistry()

    @handlers.on(FeedbackIssuedNext)
    async def on_feedback_issued(
        session: AsyncSession, event: FeedbackIssuedNext, meta: EventMeta
    ) -> None:
        """The next release's handler: sees the new fields, then opens the plan as today."""
        received.append(event)
        await open_plan_from_feedback(session, event)

    next_release = dataclasses.replace(rectification_spec(), handlers=handlers)
    settings = settings_for(
        "rectification",
        database_url=database_url,
        topic_prefix=topic_prefix,
        auth=auth_config,
        scheduler_enabled=False,
    )
    bus = PostgresBus(database_url)
    await bus.start()
    older_event = as_released_today(feedback_next())
    older = envelope(older_event, time=MONDAY)
    assert_valid_event(older.model_dump(mode="json"))  # what findings emits today
    try:
        async with run_app(create_service_app(next_release, settings, clock=clock, bus=bus)):
            await publish(database_url, topic_prefix, older)
            await eventually(lambda: handled(db, older.id))
    finally:
        await bus.stop()

    assert await dead_letters(db, settings.dlq_topic) == []
    [event] = received
    assert isinstance(event, FeedbackIssuedNext)
    assert event.reply_due_on is None
    assert all(isinstance(p, FeedbackProblemNext) and p.rule_code is None for p in event.problems)
    assert as_released_today(event) == older_event
    assert await tasks_of(db, older_event.org_id) == {p.problem_id for p in older_event.problems}

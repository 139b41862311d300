"""The outbox envelope built without the ``CloudEvent`` model is the model's dump, byte for
byte: in Python, as JSON text, and as PostgreSQL stores it, for several event types (nulls
inside ``data`` kept, the envelope's own unset attributes left out)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.clock import MovableClock
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.events.base import Event, envelope, envelope_document
from xuncha_shared.events.findings import ProblemHandedOver
from xuncha_shared.events.planning.orgs import HolidayCalendarPublished, OrgRegistered
from xuncha_shared.events.planning.rounds import TermScopeChanged
from xuncha_shared.events.rectification import DeadlineSubject, RectificationOverdue
from xuncha_shared.messaging import (
    OUTBOX_INFO_KEY,
    OutboxContext,
    emit,
    emit_many,
    messaging_tables,
)
from xuncha_shared.orgs import DepartmentDesignation, OrgKind

WENXIAN = "410825"
AT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def events() -> list[Event]:
    return [
        # Optional attributes unset: nulls inside data.
        OrgRegistered(
            jurisdiction=WENXIAN,
            org_id=uuid.uuid4(),
            code="ZB01",
            name="赵堡镇党委",
            kind=OrgKind.township,
            version=1,
        ),
        OrgRegistered(
            jurisdiction=WENXIAN,
            org_id=uuid.uuid4(),
            code="D01",
            name="县纪委监委",
            kind=OrgKind.department,
            parent_id=uuid.uuid4(),
            version=3,
            active=False,
            leader_account="lead-1",
            designation=DepartmentDesignation.discipline,
        ),
        ProblemHandedOver(
            jurisdiction=WENXIAN,
            problem_id=uuid.uuid4(),
            assignment_id=uuid.uuid4(),
            round_id=uuid.uuid4(),
            group_id=uuid.uuid4(),
            org_id=uuid.uuid4(),
            org_kind=OrgKind.village,
            category="c1",
            category_name="落实惠民政策",
            description='带"引号"和\n换行',
            livelihood=True,
            amount_yuan=Decimal("1234.50"),
            handed_over_at=datetime(2026, 3, 4, 13, 0, tzinfo=timezone(timedelta(hours=8))),
        ),
        TermScopeChanged(
            jurisdiction=WENXIAN,
            term_id=uuid.uuid4(),
            added_org_ids=(uuid.uuid4(), uuid.uuid4()),
            orgs_in_scope=7,
        ),
        RectificationOverdue(
            jurisdiction=WENXIAN,
            plan_id=uuid.uuid4(),
            round_id=uuid.uuid4(),
            org_id=uuid.uuid4(),
            what=DeadlineSubject.plan,
            due_on=date(2026, 5, 1),
        ),
        HolidayCalendarPublished(
            jurisdiction=WENXIAN,
            calendar_id="cal-2026",
            year=2026,
            holidays=(date(2026, 1, 1),),
            workdays=(),
            version=2,
        ),
    ]


@pytest.mark.parametrize("traceparent", [None, "00-" + "a" * 32 + "-" + "b" * 16 + "-01"])
@pytest.mark.parametrize(
    "time",
    [
        AT,
        AT.replace(microsecond=0),
        datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))),
    ],
)
def test_envelope_document_is_the_models_dump(time: datetime, traceparent: str | None) -> None:
    for event in events():
        event_id = uuid.uuid4()
        model = envelope(event, time=time, event_id=event_id, traceparent=traceparent)
        dumped = model.model_dump(mode="json", exclude_none=True)
        built = envelope_document(event, time=time, event_id=event_id, traceparent=traceparent)
        assert built == dumped
        assert json.dumps(built, ensure_ascii=False) == json.dumps(dumped, ensure_ascii=False)
        assert list(built) == list(dumped)
    # The nulls of data stay, as in the model's dump.
    assert (
        envelope_document(events()[0], time=AT, event_id=uuid.uuid4())["data"]["parent_id"] is None
    )


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    tables = messaging_tables(MetaData(schema="planning"))
    engine = create_engine(database_url, pool_size=1)
    context = OutboxContext(tables=tables, topic="t", clock=MovableClock(AT))
    try:
        async with create_sessionmaker(engine, **{OUTBOX_INFO_KEY: context})() as s:
            yield s
    finally:
        await engine.dispose()


async def test_stored_envelope_is_what_the_model_stored(session: AsyncSession) -> None:
    one, *many = events()
    ids = [await emit(session, one), *await emit_many(session, many)]
    for event, event_id in zip([one, *many], ids, strict=True):
        row = (
            await session.execute(
                text(
                    "SELECT key, type, envelope::text AS stored, envelope->>'traceparent' AS tp"
                    " FROM planning.outbox WHERE id = :id"
                ),
                {"id": event_id},
            )
        ).one()
        model = envelope(event, time=AT, event_id=event_id, traceparent=row.tp)
        as_before = json.dumps(model.model_dump(mode="json", exclude_none=True))
        before = (
            await session.execute(text("SELECT CAST(:doc AS jsonb)::text"), {"doc": as_before})
        ).scalar_one()
        assert row.stored == before
        assert (row.key, row.type) == (model.subject, model.type)
    await session.rollback()

"""SQL of the deadline warnings: the plans, reports and tasks due by a day and not yet
warned, and the notice recorded once per deadline and kind."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.events.rectification import DeadlineSubject

from rectification.deadlines.models import DUE_SOON, OVERDUE, DeadlineNotice
from rectification.plans.models import DRAFTING, SUBMITTED, Plan, Task
from rectification.reports.models import Report


def _not_noticed(subject_id: Any, what: DeadlineSubject, due_on: Any, today: date) -> Any:
    """Not yet warned overdue, and (unless already past due) not yet warned due-soon."""
    n = DeadlineNotice

    def noticed(kind: str) -> Any:
        return exists().where(
            col(n.subject_id) == subject_id,
            col(n.what) == what.value,
            col(n.notice) == kind,
            col(n.due_on) == due_on,
        )

    return and_(~noticed(OVERDUE), or_(due_on < today, ~noticed(DUE_SOON)))


async def plans_due(session: AsyncSession, *, today: date, horizon: date) -> list[Plan]:
    """Plans in drafting due by the horizon and not yet warned."""
    plans = await session.scalars(
        select(Plan).where(
            col(Plan.status) == DRAFTING,
            col(Plan.plan_due_on) <= horizon,
            _not_noticed(col(Plan.id), DeadlineSubject.plan, col(Plan.plan_due_on), today),
        )
    )
    return list(plans)


async def reports_due(session: AsyncSession, *, today: date, horizon: date) -> list[Plan]:
    """Plans whose report is due by the horizon, not yet in and not yet warned."""
    plans = await session.scalars(
        select(Plan).where(
            col(Plan.status).in_([DRAFTING, SUBMITTED]),
            col(Plan.report_due_on) <= horizon,
            ~exists().where(col(Report.plan_id) == col(Plan.id)),
            _not_noticed(col(Plan.id), DeadlineSubject.report, col(Plan.report_due_on), today),
        )
    )
    return list(plans)


async def tasks_due(session: AsyncSession, *, today: date, horizon: date) -> list[Task]:
    """Open tasks due by the horizon and not yet warned."""
    tasks = await session.scalars(
        select(Task).where(
            col(Task.status) == "open",
            col(Task.due_on) <= horizon,
            _not_noticed(col(Task.id), DeadlineSubject.task, col(Task.due_on), today),
        )
    )
    return list(tasks)


async def record_notice(
    session: AsyncSession,
    *,
    subject_id: uuid.UUID,
    what: DeadlineSubject,
    notice: str,
    due_on: date,
    plan_id: uuid.UUID,
    at: datetime,
) -> bool:
    """Record the notice unless it is already there; whether this call recorded it (only
    then is it emitted)."""
    table = DeadlineNotice.__table__  # type: ignore[attr-defined]
    inserted = await session.scalar(
        insert(table)
        .values(
            subject_id=subject_id,
            what=what.value,
            notice=notice,
            due_on=due_on,
            plan_id=plan_id,
            emitted_at=at,
        )
        .on_conflict_do_nothing()
        .returning(table.c.subject_id)
    )
    return inserted is not None

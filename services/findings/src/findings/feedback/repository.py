"""The SQL of feedback: the feedback given, the approved report it rests on, and the
problems it hands over."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.events.findings import ReportKind

from findings.feedback.models import Feedback
from findings.models import ORGS
from findings.problems.models import Problem
from findings.reports.models import Report
from findings.reports.schemas import ReportStatus


async def of_assignment(session: AsyncSession, assignment_id: uuid.UUID) -> Feedback | None:
    """The feedback given on an assignment, if any."""
    return (
        await session.scalars(select(Feedback).where(col(Feedback.assignment_id) == assignment_id))
    ).first()


async def issued_for(session: AsyncSession, assignment_id: uuid.UUID) -> bool:
    """Whether feedback was given on the assignment already."""
    found = await session.scalar(
        select(col(Feedback.id)).where(col(Feedback.assignment_id) == assignment_id)
    )
    return bool(found)


async def approved_report_for(
    session: AsyncSession, *, assignment_id: uuid.UUID, round_id: uuid.UUID, org_id: uuid.UUID
) -> Report | None:
    """The approved report covering an assignment: its own report, or the comprehensive
    report of its township (a village under it, or the township itself)."""
    parent = await session.scalar(select(ORGS.c.parent_id).where(ORGS.c.id == org_id))
    rows = await session.scalars(
        select(Report).where(
            col(Report.status) == ReportStatus.approved.value,
            or_(
                col(Report.assignment_id) == assignment_id,
                (col(Report.kind) == ReportKind.comprehensive.value)
                & (col(Report.round_id) == round_id)
                & col(Report.org_id).in_([org_id] + ([parent] if parent else [])),
            ),
        )
    )
    return rows.first()


async def problems_for_update(session: AsyncSession, assignment_id: uuid.UUID) -> list[Problem]:
    """Every problem of the assignment, in the order recorded, locked for the feedback."""
    return list(
        await session.scalars(
            select(Problem)
            .where(col(Problem.assignment_id) == assignment_id)
            .order_by(col(Problem.created_at), col(Problem.id))
            .with_for_update()
        )
    )


async def mark_fed_back(
    session: AsyncSession, assignment_id: uuid.UUID, *, feedback_id: uuid.UUID, now: datetime
) -> None:
    """Mark every problem of the assignment fed back (read-only from now on)."""
    await session.execute(
        update(Problem)
        .where(col(Problem.assignment_id) == assignment_id)
        .values(
            feedback_id=feedback_id, fed_back_at=now, version=Problem.version + 1, updated_at=now
        )
        .execution_options(synchronize_session=False)
    )

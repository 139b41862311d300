"""Reports' SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from rectification.reports.models import Disclosure, Report


async def report_of(session: AsyncSession, plan_id: uuid.UUID) -> Report | None:
    """The plan's report, once submitted."""
    return await session.scalar(select(Report).where(col(Report.plan_id) == plan_id))


async def disclosures_of(session: AsyncSession, report_id: uuid.UUID) -> Sequence[Disclosure]:
    """The report's disclosures, by date and scope."""
    rows = await session.scalars(
        select(Disclosure)
        .where(col(Disclosure.report_id) == report_id)
        .order_by(col(Disclosure.disclosed_on), col(Disclosure.scope), col(Disclosure.id))
    )
    return rows.all()

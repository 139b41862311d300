"""Rate every plan once its reporting window after the concentrated period has closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.workdays import local_day

from rectification.plans.models import Plan
from rectification.rating.models import RatingRow
from rectification.rating.service import rate_plan

SYSTEM = "system"
BATCH = 100


async def rate_at_period_end(session: AsyncSession, now: datetime) -> None:
    """Rate the plans whose report was due before today and that have no rating yet
    (the office can rate again at any time). Locked rows are left to the replica that
    holds them."""
    plans = await session.scalars(
        select(Plan)
        .where(
            col(Plan.report_due_on) < local_day(now),
            ~exists().where(col(RatingRow.plan_id) == col(Plan.id)),
        )
        .order_by(col(Plan.id))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    for plan in list(plans):
        await rate_plan(session, plan=plan, rated_by=SYSTEM, now=now)

"""Rate every plan once its reporting window after the concentrated period has closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.workdays import local_day

from rectification.rating import repository
from rectification.rating.service import rate_plan

SYSTEM = "system"
BATCH = 100


async def rate_at_period_end(session: AsyncSession, now: datetime) -> None:
    """Rate the plans whose report was due before today and that have no rating yet
    (the office can rate again at any time). Locked rows are left to the replica that
    holds them."""
    plans = await repository.unrated_plans_due(session, before=local_day(now), limit=BATCH)
    for plan in plans:
        await rate_plan(session, plan=plan, rated_by=SYSTEM, now=now)

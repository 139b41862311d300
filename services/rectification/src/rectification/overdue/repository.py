"""SQL of the overdue list."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from rectification.access.policy import Access
from rectification.access.repository import visible_tasks
from rectification.plans.models import Task


async def overdue_tasks(
    session: AsyncSession,
    *,
    access: Access,
    today: date,
    round_id: uuid.UUID | None,
    org_id: uuid.UUID | None,
) -> list[Task]:
    """The caller's unaccepted tasks due before today, the earliest deadline first."""
    query = select(Task).where(
        visible_tasks(access), col(Task.status) != "accepted", col(Task.due_on) < today
    )
    if round_id is not None:
        query = query.where(col(Task.round_id) == round_id)
    if org_id is not None:
        query = query.where(col(Task.org_id) == org_id)
    return list(await session.scalars(query.order_by(col(Task.due_on), col(Task.id))))

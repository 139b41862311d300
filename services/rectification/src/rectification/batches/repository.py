"""The SQL of the batches: the tasks a batch names, visible to the caller, locked."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from rectification.access.policy import Access
from rectification.access.repository import visible_tasks
from rectification.plans.models import Task


async def lock_visible_tasks(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, access: Access
) -> dict[uuid.UUID, Task]:
    """Those of ``ids`` the caller may see, by id, locked in id order."""
    rows = await session.scalars(
        select(Task)
        .where(col(Task.id).in_(list(ids)), visible_tasks(access))
        .order_by(col(Task.id))
        .with_for_update()
    )
    return {task.id: task for task in rows}

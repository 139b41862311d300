"""SQL of progress: a task's entries and its evidence files."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from rectification.progress.models import ProgressEntry, TaskFile


async def entries_of_task(session: AsyncSession, task_id: uuid.UUID) -> list[ProgressEntry]:
    """A task's entries, oldest first."""
    rows = await session.scalars(
        select(ProgressEntry)
        .where(col(ProgressEntry.task_id) == task_id)
        .order_by(col(ProgressEntry.at), col(ProgressEntry.id))
    )
    return list(rows)


async def task_file(session: AsyncSession, *, task_id: uuid.UUID, sha256: str) -> TaskFile | None:
    """One of the task's files by its digest."""
    return await session.get(TaskFile, (task_id, sha256))


async def task_files(session: AsyncSession, task_id: uuid.UUID) -> list[TaskFile]:
    """The task's files in the order they were added."""
    rows = await session.scalars(
        select(TaskFile)
        .where(col(TaskFile.task_id) == task_id)
        .order_by(col(TaskFile.added_at), col(TaskFile.sha256))
    )
    return list(rows)

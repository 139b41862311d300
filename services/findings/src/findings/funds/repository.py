"""The SQL of the funds comparison: its projects, and the problems their gaps became."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from findings.funds.models import FundsProject
from findings.problems.models import Problem


async def funds_projects(session: AsyncSession, assignment_id: uuid.UUID) -> list[FundsProject]:
    """An assignment's funds comparison projects, in the order they were entered."""
    return list(
        await session.scalars(
            select(FundsProject)
            .where(col(FundsProject.assignment_id) == assignment_id)
            .order_by(col(FundsProject.created_at), col(FundsProject.id))
        )
    )


async def funds_project_for_update(
    session: AsyncSession, project_id: uuid.UUID
) -> FundsProject | None:
    """A funds comparison project, locked for the change."""
    return await session.get(FundsProject, project_id, with_for_update=True)


async def gap_problem_ids(
    session: AsyncSession, project_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The problems each project's gaps became, in the order they were recorded."""
    linked: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in project_ids}
    if project_ids:
        rows = await session.execute(
            select(col(Problem.funds_project_id), col(Problem.id))
            .where(col(Problem.funds_project_id).in_(project_ids))
            .order_by(col(Problem.created_at))
        )
        for fid, pid in rows:
            if fid is not None:
                linked[fid].append(pid)
    return linked


async def has_gap_problems(session: AsyncSession, project_id: uuid.UUID) -> bool:
    """Whether the project's gaps have become problems already."""
    existing = await session.scalar(
        select(col(Problem.id)).where(col(Problem.funds_project_id) == project_id).limit(1)
    )
    return existing is not None

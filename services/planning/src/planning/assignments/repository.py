"""SQL of assignments: one org of a round, a group's villages, the assignment lists."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from planning.models import Assignment, InspectionGroup, Org


async def assignment_of_org(
    session: AsyncSession, round_id: uuid.UUID, org_id: uuid.UUID
) -> Assignment | None:
    stmt = select(Assignment).where(
        col(Assignment.round_id) == round_id,
        col(Assignment.org_id) == org_id,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_assignment(session: AsyncSession, assignment_id: uuid.UUID) -> Assignment | None:
    return await session.get(Assignment, assignment_id)


async def extended_villages_of(
    session: AsyncSession, round_id: uuid.UUID, township_id: uuid.UUID
) -> list[Org]:
    """Villages of a township inspected with it (延伸巡、调研巡) in the round."""
    stmt = (
        select(Org)
        .join(Assignment, col(Assignment.org_id) == col(Org.id))
        .where(
            col(Assignment.round_id) == round_id,
            col(Org.parent_id) == township_id,
            col(Assignment.approach).in_(["extended", "research"]),
        )
        .order_by(col(Org.code))
    )
    return list((await session.execute(stmt)).scalars())


AssignmentRow = tuple[Assignment, Org, InspectionGroup]


async def list_assignments(
    session: AsyncSession,
    *,
    round_ids: Sequence[uuid.UUID] = (),
    group_ids: Sequence[uuid.UUID] | None = None,
    kinds: Sequence[str] = (),
    approach: str | None = None,
    after: tuple[str, uuid.UUID] | None = None,
    limit: int = 50,
) -> tuple[list[AssignmentRow], int]:
    """Assignments with their org and group, by org code then id.

    ``group_ids`` restricts the list to those groups (an empty list matches nothing).
    """
    conditions: list[Any] = []
    if round_ids:
        conditions.append(col(Assignment.round_id).in_(round_ids))
    if group_ids is not None:
        conditions.append(col(Assignment.group_id).in_(group_ids))
    if kinds:
        conditions.append(col(Org.kind).in_(kinds))
    if approach is not None:
        conditions.append(col(Assignment.approach) == approach)
    base = (
        select(Assignment, Org, InspectionGroup)
        .join(Org, col(Org.id) == col(Assignment.org_id))
        .join(InspectionGroup, col(InspectionGroup.id) == col(Assignment.group_id))
        .where(*conditions)
    )
    total = int(await session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    stmt = base
    if after is not None:
        stmt = stmt.where(
            (col(Org.code) > after[0])
            | ((col(Org.code) == after[0]) & (col(Assignment.id) > after[1]))
        )
    stmt = stmt.order_by(col(Org.code), col(Assignment.id)).limit(limit)
    return [(a, o, g) for a, o, g in await session.execute(stmt)], total

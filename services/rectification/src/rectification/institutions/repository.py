"""Institutions' SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from rectification.access.policy import Access
from rectification.access.repository import visible_tasks
from rectification.institutions.models import Institution
from rectification.models import ASSIGNMENTS, ORGS
from rectification.plans.models import Task


@dataclass(frozen=True)
class InstitutionQuery:
    """Which institutions a list asks for (besides the caller's access)."""

    org_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    term_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None


def _visible(access: Access) -> Any:
    """Institutions of the tasks the caller may see."""
    return col(Institution.task_id).in_(select(col(Task.id)).where(visible_tasks(access)))


def _term(term_id: uuid.UUID | None) -> list[Any]:
    if term_id is None:
        return []
    r = ASSIGNMENTS.rounds
    return [col(Institution.round_id).in_(select(r.c.id).where(r.c.term_id == term_id))]


def _conditions(access: Access, query: InstitutionQuery) -> list[Any]:
    conditions = [_visible(access), *_term(query.term_id)]
    for column, value in (
        (Institution.org_id, query.org_id),
        (Institution.round_id, query.round_id),
        (Institution.task_id, query.task_id),
    ):
        if value is not None:
            conditions.append(col(column) == value)
    return conditions


async def institutions(
    session: AsyncSession, *, access: Access, query: InstitutionQuery, limit: int
) -> list[Institution]:
    """The institutions asked for, by adoption date."""
    rows = await session.scalars(
        select(Institution)
        .where(and_(*_conditions(access, query)))
        .order_by(col(Institution.adopted_on), col(Institution.id))
        .limit(limit)
    )
    return list(rows)


async def counts_by_org(
    session: AsyncSession, *, access: Access, term_id: uuid.UUID | None
) -> Sequence[tuple[uuid.UUID, str | None, int]]:
    """(org, its name, how many) of the institutions visible, the most first."""
    rows = await session.execute(
        select(col(Institution.org_id), ORGS.c.name, func.count())
        .outerjoin(ORGS, ORGS.c.id == col(Institution.org_id))
        .where(and_(_visible(access), *_term(term_id)))
        .group_by(col(Institution.org_id), ORGS.c.name)
        .order_by(func.count().desc(), col(Institution.org_id))
    )
    return [(o, n, int(c)) for o, n, c in rows]

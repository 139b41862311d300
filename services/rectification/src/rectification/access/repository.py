"""The SQL of who sees what: the conditions that keep a caller to the plans and tasks his
access allows (``access/policy.py`` says who gets which access)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlmodel import col

from rectification.models import ORGS
from rectification.plans.models import Plan, Task

if TYPE_CHECKING:
    from rectification.access.policy import Access

# The kinds of org a township answers for directly (its villages and communities).
UNDER_TOWNSHIP = ("village", "community")


def in_sector(access: Access, org_id: Mapped[uuid.UUID]) -> ColumnElement[bool]:
    """The org is in the caller's sector: his account is its leader in charge (分管)."""
    if access.account is None:
        return false()
    sector = ORGS.alias("sector")  # queries that join the orgs too must not correlate it
    return exists(
        select(sector.c.id).where(
            sector.c.id == org_id,
            sector.c.jurisdiction == access.jurisdiction,
            sector.c.leader_account == access.account,
        )
    )


def villages_of(jurisdiction: str, township_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """The ids of the villages and communities under a township (none for any other org)."""
    township = ORGS.alias("township")
    return select(ORGS.c.id).where(
        ORGS.c.jurisdiction == jurisdiction,
        ORGS.c.parent_id == township_id,
        ORGS.c.kind.in_(UNDER_TOWNSHIP),
        exists(
            select(township.c.id).where(
                township.c.id == township_id,
                township.c.jurisdiction == jurisdiction,
                township.c.kind == "township",
            )
        ),
    )


def visible_tasks(access: Access) -> ColumnElement[bool]:
    """The tasks the caller may see."""
    clauses: list[ColumnElement[bool]] = []
    mine = col(Task.jurisdiction) == access.jurisdiction
    if access.everything:
        clauses.append(mine)
    if access.org_id is not None:
        clauses.append(and_(mine, col(Task.org_id) == access.org_id))
        clauses.append(
            and_(mine, col(Task.org_id).in_(villages_of(access.jurisdiction, access.org_id)))
        )
    if access.account is not None:
        clauses.append(and_(mine, col(Task.owner_account) == access.account))
        clauses.append(and_(mine, in_sector(access, col(Task.org_id))))
    return or_(*clauses) if clauses else false()


def visible_plans(access: Access) -> ColumnElement[bool]:
    """The plans the caller may see: a leader those holding a task he owns and his
    sector's."""
    clauses: list[ColumnElement[bool]] = []
    mine = col(Plan.jurisdiction) == access.jurisdiction
    if access.everything:
        clauses.append(mine)
    if access.org_id is not None:
        clauses.append(and_(mine, col(Plan.org_id) == access.org_id))
        clauses.append(
            and_(mine, col(Plan.org_id).in_(villages_of(access.jurisdiction, access.org_id)))
        )
    if access.account is not None:
        clauses.append(
            and_(
                mine,
                exists(
                    select(col(Task.id)).where(
                        col(Task.plan_id) == col(Plan.id),
                        col(Task.owner_account) == access.account,
                    )
                ),
            )
        )
        clauses.append(and_(mine, in_sector(access, col(Plan.org_id))))
    return or_(*clauses) if clauses else false()


async def under_township(
    session: AsyncSession, *, jurisdiction: str, township_id: uuid.UUID, org_id: uuid.UUID
) -> bool:
    """Whether the org is a village or community under the township."""
    under = await session.scalar(
        select(ORGS.c.id).where(
            ORGS.c.id == org_id,
            ORGS.c.id.in_(villages_of(jurisdiction, township_id)),
        )
    )
    return under is not None

"""SQL of groups, memberships, what a group is assigned and avoidance checks."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from planning.groups.models import AvoidanceCheck
from planning.models import Assignment, Cadre, GroupMember, InspectionGroup, Org, Round


async def get_round(
    session: AsyncSession, round_id: uuid.UUID, *, for_update: bool = False
) -> Round | None:
    # A write locks the round: every change to a round's groups and tasks is serialised, so
    # "one group per cadre" and "one group per org" are checked against settled data.
    stmt = select(Round).where(col(Round.id) == round_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_group(session: AsyncSession, group_id: uuid.UUID) -> InspectionGroup | None:
    stmt = select(InspectionGroup).where(col(InspectionGroup.id) == group_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def group_named(session: AsyncSession, round_id: uuid.UUID, name: str) -> bool:
    stmt = select(col(InspectionGroup.id)).where(
        col(InspectionGroup.round_id) == round_id,
        col(InspectionGroup.name) == name,
    )
    return (await session.execute(stmt)).first() is not None


async def list_groups(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    after_name: str | None = None,
    limit: int = 50,
) -> tuple[list[InspectionGroup], int]:
    conditions: list[Any] = [col(InspectionGroup.round_id) == round_id]
    total = await count_up_to_cap(session, select(InspectionGroup).where(*conditions))
    stmt = select(InspectionGroup).where(*conditions)
    if after_name is not None:
        stmt = stmt.where(col(InspectionGroup.name) > after_name)
    stmt = stmt.order_by(col(InspectionGroup.name)).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def members_of(
    session: AsyncSession, group_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[GroupMember, Cadre]]]:
    """Each group's members with their cadre rows, leader first, then deputies, by code."""
    out: dict[uuid.UUID, list[tuple[GroupMember, Cadre]]] = {g: [] for g in group_ids}
    if not group_ids:
        return out
    order = {"leader": 0, "deputy": 1, "member": 2}
    stmt = (
        select(GroupMember, Cadre)
        .join(Cadre, col(Cadre.id) == col(GroupMember.cadre_id))
        .where(col(GroupMember.group_id).in_(group_ids))
    )
    rows = [(m, c) for m, c in await session.execute(stmt)]
    rows.sort(key=lambda mc: (order.get(mc[0].role, 9), mc[1].code))
    for member, cadre in rows:
        out[member.group_id].append((member, cadre))
    return out


async def groups_of_cadres(
    session: AsyncSession, round_id: uuid.UUID, cadre_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, InspectionGroup]:
    """The group each of these cadres is in for the round, if any."""
    if not cadre_ids:
        return {}
    stmt = (
        select(col(GroupMember.cadre_id), InspectionGroup)
        .join(InspectionGroup, col(InspectionGroup.id) == col(GroupMember.group_id))
        .where(
            col(GroupMember.round_id) == round_id,
            col(GroupMember.cadre_id).in_(cadre_ids),
        )
    )
    return {cadre_id: group for cadre_id, group in await session.execute(stmt)}


async def get_member(
    session: AsyncSession, group_id: uuid.UUID, cadre_id: uuid.UUID
) -> GroupMember | None:
    return await session.get(GroupMember, (group_id, cadre_id))


async def assignment_counts(
    session: AsyncSession, group_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not group_ids:
        return {}
    stmt = (
        select(col(Assignment.group_id), func.count())
        .where(col(Assignment.group_id).in_(group_ids))
        .group_by(col(Assignment.group_id))
    )
    counts = {g: int(n) for g, n in await session.execute(stmt)}
    return {g: counts.get(g, 0) for g in group_ids}


async def orgs_of_group(session: AsyncSession, group_id: uuid.UUID) -> list[Org]:
    """The orgs a group is assigned, by code."""
    stmt = (
        select(Org)
        .join(Assignment, col(Assignment.org_id) == col(Org.id))
        .where(col(Assignment.group_id) == group_id)
        .order_by(col(Org.code))
    )
    return list((await session.execute(stmt)).scalars())


async def memberships_of_account(
    session: AsyncSession, *, account: str, jurisdiction: str, round_id: uuid.UUID | None = None
) -> list[tuple[GroupMember, Round]]:
    """The groups (and their rounds) whose member is the pool cadre with this account."""
    stmt = (
        select(GroupMember, Round)
        .join(Cadre, col(Cadre.id) == col(GroupMember.cadre_id))
        .join(Round, col(Round.id) == col(GroupMember.round_id))
        .where(col(Cadre.account) == account, col(Cadre.jurisdiction) == jurisdiction)
    )
    if round_id is not None:
        stmt = stmt.where(col(GroupMember.round_id) == round_id)
    return [(m, r) for m, r in await session.execute(stmt)]


CheckRow = tuple[AvoidanceCheck, str, str]


async def list_checks(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    cadre_id: uuid.UUID | None = None,
    org_id: uuid.UUID | None = None,
    rule: str | None = None,
    outcome: str | None = None,
    after: tuple[datetime, uuid.UUID] | None = None,
    limit: int = 50,
) -> tuple[list[CheckRow], int]:
    """A round's kept avoidance checks with cadre and org names, oldest first."""
    conditions: list[Any] = [col(AvoidanceCheck.round_id) == round_id]
    if cadre_id is not None:
        conditions.append(col(AvoidanceCheck.cadre_id) == cadre_id)
    if org_id is not None:
        conditions.append(col(AvoidanceCheck.org_id) == org_id)
    if rule is not None:
        conditions.append(col(AvoidanceCheck.rule) == rule)
    if outcome is not None:
        conditions.append(col(AvoidanceCheck.outcome) == outcome)
    total = await count_up_to_cap(session, select(AvoidanceCheck).where(*conditions))
    stmt = (
        select(AvoidanceCheck, col(Cadre.name), col(Org.name))
        .join(Cadre, col(Cadre.id) == col(AvoidanceCheck.cadre_id))
        .join(Org, col(Org.id) == col(AvoidanceCheck.org_id))
        .where(*conditions)
    )
    if after is not None:
        stmt = stmt.where(
            (col(AvoidanceCheck.checked_at) > after[0])
            | ((col(AvoidanceCheck.checked_at) == after[0]) & (col(AvoidanceCheck.id) > after[1]))
        )
    stmt = stmt.order_by(col(AvoidanceCheck.checked_at), col(AvoidanceCheck.id)).limit(limit)
    return [(c, cadre, org) for c, cadre, org in await session.execute(stmt)], total

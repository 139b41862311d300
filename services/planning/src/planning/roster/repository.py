"""The roster's SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from planning.models import Org
from planning.roster.models import RosterMember


async def get_member(
    session: AsyncSession, member_id: uuid.UUID, *, for_update: bool = False
) -> RosterMember | None:
    stmt = select(RosterMember).where(col(RosterMember.id) == member_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def current_holder(
    session: AsyncSession, *, org_id: uuid.UUID, post: str, other_than: uuid.UUID | None = None
) -> str | None:
    """The name of the org's current holder of ``post`` (other than entry ``other_than``)."""
    stmt = select(col(RosterMember.name)).where(
        col(RosterMember.org_id) == org_id,
        col(RosterMember.post) == post,
        col(RosterMember.until).is_(None),
    )
    if other_than is not None:
        stmt = stmt.where(col(RosterMember.id) != other_than)
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def holds_post_now(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    name: str,
    post: str,
    other_than: uuid.UUID | None = None,
) -> bool:
    """Whether a person of that name is a current holder of ``post`` in the org."""
    stmt = select(func.count()).where(
        col(RosterMember.org_id) == org_id,
        col(RosterMember.name) == name,
        col(RosterMember.post) == post,
        col(RosterMember.until).is_(None),
    )
    if other_than is not None:
        stmt = stmt.where(col(RosterMember.id) != other_than)
    return bool(await session.scalar(stmt))


async def org_members(session: AsyncSession, org_id: uuid.UUID) -> list[RosterMember]:
    """Every entry of an org, current and past."""
    stmt = select(RosterMember).where(col(RosterMember.org_id) == org_id)
    return list((await session.execute(stmt)).scalars())


async def jurisdiction_members(
    session: AsyncSession, jurisdiction: str, *, for_update: bool = False
) -> list[RosterMember]:
    """Every entry of a jurisdiction (an import compares against them, locked)."""
    stmt = select(RosterMember).where(col(RosterMember.jurisdiction) == jurisdiction)
    if for_update:
        stmt = stmt.with_for_update()
    return list((await session.execute(stmt)).scalars())


async def list_members(
    session: AsyncSession,
    *,
    jurisdiction: str,
    org_id: uuid.UUID | None = None,
    posts: Sequence[str] = (),
    ranks: Sequence[str] = (),
    current: bool | None = None,
    q: str | None = None,
    after: tuple[str, date, uuid.UUID] | None = None,
    limit: int = 50,
) -> tuple[list[tuple[RosterMember, Org]], int]:
    """A page of the jurisdiction's ledger ordered by org code, start of term and id, with
    the total matching count."""
    conditions: list[Any] = [col(RosterMember.jurisdiction) == jurisdiction]
    if org_id is not None:
        conditions.append(col(RosterMember.org_id) == org_id)
    if posts:
        conditions.append(col(RosterMember.post).in_(posts))
    if ranks:
        conditions.append(col(RosterMember.rank).in_(ranks))
    if current is True:
        conditions.append(col(RosterMember.until).is_(None))
    elif current is False:
        conditions.append(col(RosterMember.until).is_not(None))
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(col(RosterMember.name).ilike(f"%{escaped}%"))
    joined = select(RosterMember, Org).join(Org, col(Org.id) == col(RosterMember.org_id))
    total = int(
        await session.scalar(select(func.count()).select_from(RosterMember).where(*conditions)) or 0
    )
    stmt = joined.where(*conditions)
    key = tuple_(col(Org.code), col(RosterMember.since), col(RosterMember.id))
    if after is not None:
        stmt = stmt.where(key > tuple_(*after))
    stmt = stmt.order_by(col(Org.code), col(RosterMember.since), col(RosterMember.id)).limit(limit)
    return [(m, o) for m, o in (await session.execute(stmt)).all()], total


async def orgs_by_code(session: AsyncSession, jurisdiction: str) -> dict[str, Org]:
    """The jurisdiction's orgs by code, locked: an import appoints members to them."""
    stmt = select(Org).where(col(Org.jurisdiction) == jurisdiction).with_for_update()
    return {o.code: o for o in (await session.execute(stmt)).scalars()}

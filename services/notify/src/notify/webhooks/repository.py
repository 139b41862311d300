"""All SQL of webhook subscriptions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from notify.models import ORGS
from notify.webhooks.models import Subscription


def managed_by_office(jurisdiction: str) -> ColumnElement[bool]:
    """The live subscriptions of a jurisdiction (what its office manages): made under it,
    for an org of it (the subscription jurisdiction rule)."""
    return (
        col(Subscription.deleted).is_(False)
        & (col(Subscription.jurisdiction) == jurisdiction)
        & col(Subscription.org_id).in_(_orgs_of(jurisdiction))
    )


def _orgs_of(jurisdiction: str) -> Select[tuple[uuid.UUID]]:
    return select(ORGS.c.id).where(ORGS.c.jurisdiction == jurisdiction)


async def is_org_of(session: AsyncSession, org_id: uuid.UUID, jurisdiction: str) -> bool:
    """Whether ``org_id`` is an org of ``jurisdiction`` (from planning's org registry)."""
    found = await session.scalar(
        select(ORGS.c.id).where(ORGS.c.id == org_id, ORGS.c.jurisdiction == jurisdiction)
    )
    return found is not None


def managed_by_org(org_id: uuid.UUID) -> ColumnElement[bool]:
    """The live subscriptions of one org (what the org manages)."""
    return col(Subscription.deleted).is_(False) & (col(Subscription.org_id) == org_id)


async def get(
    session: AsyncSession,
    subscription_id: uuid.UUID,
    visible: ColumnElement[bool],
    *,
    for_update: bool = False,
) -> Subscription | None:
    stmt = select(Subscription).where(col(Subscription.id) == subscription_id, visible)
    if for_update:
        stmt = stmt.with_for_update()
    return (
        await session.execute(stmt.execution_options(populate_existing=True))
    ).scalar_one_or_none()


async def list_subscriptions(
    session: AsyncSession,
    visible: ColumnElement[bool],
    *,
    org_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> tuple[list[Subscription], int]:
    """Oldest first."""
    conditions = [visible]
    if org_id is not None:
        conditions.append(col(Subscription.org_id) == org_id)
    total = await count_up_to_cap(session, select(Subscription).where(*conditions))
    stmt = select(Subscription).where(*conditions)
    if after is not None:
        stmt = stmt.where(
            (col(Subscription.created_at) > after[0])
            | ((col(Subscription.created_at) == after[0]) & (col(Subscription.id) > after[1]))
        )
    stmt = stmt.order_by(col(Subscription.created_at), col(Subscription.id)).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def by_ids(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Subscription]:
    """The subscriptions with these ids (deleted ones too), by id."""
    stmt = select(Subscription).where(col(Subscription.id).in_(set(ids)))
    return {s.id: s for s in (await session.execute(stmt)).scalars()}


async def active_for_org(
    session: AsyncSession, org_id: uuid.UUID, jurisdiction: str
) -> list[Subscription]:
    """An org's own active subscriptions of ``jurisdiction`` (the event's: a subscription
    made under another jurisdiction never receives this one's notifications)."""
    return await _active(
        session,
        and_(col(Subscription.org_id) == org_id, col(Subscription.jurisdiction) == jurisdiction),
    )


async def active_for_role(
    session: AsyncSession, role: str, jurisdiction: str
) -> list[Subscription]:
    """The active subscriptions of a jurisdiction's orgs that stand for ``role``."""
    return await _active(
        session,
        and_(
            literal(role) == func.any(col(Subscription.roles)),
            col(Subscription.jurisdiction) == jurisdiction,
        ),
    )


async def _active(session: AsyncSession, which: ColumnElement[bool]) -> list[Subscription]:
    stmt = select(Subscription).where(
        which, col(Subscription.active).is_(True), col(Subscription.deleted).is_(False)
    )
    return list((await session.execute(stmt)).scalars())


async def with_clear_secrets(
    session: AsyncSession, *, sealed_prefix: str, limit: int = 500
) -> list[Subscription]:
    """Subscriptions whose secret is not stored sealed, locked (others' runs skip them)."""
    stmt = (
        select(Subscription)
        .where(~col(Subscription.secret).startswith(sealed_prefix, autoescape=True))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())

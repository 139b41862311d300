"""All SQL of deliveries and their attempts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from notify.delivery.models import DEAD, PENDING, Delivery, DeliveryAttempt


@dataclass(frozen=True)
class DeliveryFilter:
    jurisdiction: str | None
    status: str | None = None
    channel: str | None = None
    subscription_id: uuid.UUID | None = None
    event_type: str | None = None


async def list_deliveries(
    session: AsyncSession,
    where: DeliveryFilter,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> tuple[list[Delivery], int]:
    """Newest first."""
    conditions = []
    if where.jurisdiction is not None:
        conditions.append(col(Delivery.jurisdiction) == where.jurisdiction)
    if where.status is not None:
        conditions.append(col(Delivery.status) == where.status)
    if where.channel is not None:
        conditions.append(col(Delivery.channel) == where.channel)
    if where.subscription_id is not None:
        conditions.append(col(Delivery.subscription_id) == where.subscription_id)
    if where.event_type is not None:
        conditions.append(col(Delivery.event_type) == where.event_type)
    total = await count_up_to_cap(session, select(Delivery).where(*conditions))
    stmt = select(Delivery).where(*conditions)
    if after is not None:
        stmt = stmt.where(
            (col(Delivery.created_at) < after[0])
            | ((col(Delivery.created_at) == after[0]) & (col(Delivery.id) < after[1]))
        )
    stmt = stmt.order_by(col(Delivery.created_at).desc(), col(Delivery.id).desc()).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def get_delivery(
    session: AsyncSession, delivery_id: uuid.UUID, jurisdiction: str, *, for_update: bool = False
) -> Delivery | None:
    stmt = select(Delivery).where(
        col(Delivery.id) == delivery_id, col(Delivery.jurisdiction) == jurisdiction
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (
        await session.execute(stmt.execution_options(populate_existing=True))
    ).scalar_one_or_none()


async def attempts_of(
    session: AsyncSession, delivery_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[DeliveryAttempt]]:
    out: dict[uuid.UUID, list[DeliveryAttempt]] = {i: [] for i in delivery_ids}
    if not delivery_ids:
        return out
    stmt = (
        select(DeliveryAttempt)
        .where(col(DeliveryAttempt.delivery_id).in_(delivery_ids))
        .order_by(col(DeliveryAttempt.delivery_id), col(DeliveryAttempt.id))
    )
    for a in (await session.execute(stmt)).scalars():
        out[a.delivery_id].append(a)
    return out


async def add(session: AsyncSession, values: dict[str, Any]) -> None:
    """Record a delivery unless one for the same target is already recorded (unique on event,
    channel and target, or on account and digest day)."""
    await session.execute(insert(Delivery).values(**values).on_conflict_do_nothing())


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[Delivery]:
    """Due pending deliveries, locked; rows another dispatcher holds are skipped."""
    stmt = (
        select(Delivery)
        .where(col(Delivery.status) == PENDING, col(Delivery.next_attempt_at) <= now)
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt.execution_options(populate_existing=True))).scalars())


async def dead_letter_pending(
    session: AsyncSession, subscription_id: uuid.UUID, *, reason: str, now: datetime
) -> None:
    """Give up the subscription's deliveries not yet sent."""
    table = Delivery.__table__  # type: ignore[attr-defined]
    await session.execute(
        update(table)
        .where(table.c.subscription_id == subscription_id, table.c.status == PENDING)
        .values(status=DEAD, last_error=reason, updated_at=now)
    )

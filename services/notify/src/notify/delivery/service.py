"""The delivery log: read deliveries with their attempts, replay a dead letter."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.problems import Conflict, NotFound

from notify.delivery import repository
from notify.delivery.models import DEAD, PENDING, Delivery
from notify.delivery.repository import DeliveryFilter
from notify.delivery.schemas import AttemptRead, DeliveryDetail, DeliveryRead


async def list_deliveries(
    session: AsyncSession,
    *,
    where: DeliveryFilter,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> tuple[list[Delivery], int]:
    """The delivery log, newest first, with the filters' total."""
    return await repository.list_deliveries(session, where, after=after, limit=limit)


async def details(session: AsyncSession, *, rows: list[Delivery]) -> list[DeliveryDetail]:
    """The deliveries with the log of their attempts."""
    attempts = await repository.attempts_of(session, [d.id for d in rows])
    return [
        DeliveryDetail(
            **DeliveryRead.model_validate(d).model_dump(),
            attempt_log=[AttemptRead.model_validate(a) for a in attempts[d.id]],
        )
        for d in rows
    ]


async def delivery_in(
    session: AsyncSession, *, delivery_id: uuid.UUID, jurisdiction: str, for_update: bool = False
) -> Delivery:
    """A delivery of the jurisdiction; others are as good as missing."""
    d = await repository.get_delivery(session, delivery_id, jurisdiction, for_update=for_update)
    if d is None:
        raise NotFound("没有这条投递记录", "No such delivery", field="delivery_id")
    return d


async def replay(
    session: AsyncSession, *, delivery_id: uuid.UUID, jurisdiction: str, now: datetime
) -> Delivery:
    """Send a dead letter again, at once, its attempts counted afresh."""
    d = await delivery_in(
        session, delivery_id=delivery_id, jurisdiction=jurisdiction, for_update=True
    )
    if d.status != DEAD:
        raise Conflict("只能重放死信", "Only dead letters can be replayed", field="delivery_id")
    d.status = PENDING
    d.attempts = 0
    d.next_attempt_at = now
    d.updated_at = now
    await session.flush()
    return d

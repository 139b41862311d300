"""All SQL of the signing keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from accounts.models import SigningKey


async def newest_unretired(session: AsyncSession) -> SigningKey | None:
    """The key that signs now, if any."""
    return await session.scalar(
        select(SigningKey)
        .where(col(SigningKey.retired_at).is_(None))
        .order_by(col(SigningKey.created_at).desc())
        .limit(1)
    )


async def unretired_locked(session: AsyncSession) -> list[SigningKey]:
    """Every key not yet retired, locked to retire them."""
    rows = await session.scalars(
        select(SigningKey).where(col(SigningKey.retired_at).is_(None)).with_for_update()
    )
    return list(rows)


async def published_since(session: AsyncSession, horizon: datetime) -> list[SigningKey]:
    """Keys unretired or retired after ``horizon``, newest first."""
    rows = await session.scalars(
        select(SigningKey)
        .where(or_(col(SigningKey.retired_at).is_(None), col(SigningKey.retired_at) > horizon))
        .order_by(col(SigningKey.created_at).desc())
    )
    return list(rows)

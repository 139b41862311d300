"""The SQL of letters: the ledger's count, keyset page and export rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from findings.letters.models import Letter


async def count(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    """How many letters meet ``conditions``."""
    return int(
        await session.scalar(select(func.count()).select_from(Letter).where(*conditions)) or 0
    )


async def page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Letter]:
    """Up to ``limit`` letters after the key ``after``, by sending time then id."""
    where = list(conditions)
    if after is not None:
        where.append(tuple_(col(Letter.sent_at), col(Letter.id)) > tuple_(after[0], after[1]))
    return list(
        await session.scalars(
            select(Letter).where(*where).order_by(col(Letter.sent_at), col(Letter.id)).limit(limit)
        )
    )


async def ledger(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], *, limit: int
) -> list[Letter]:
    """The letters of an export, by sending time."""
    return list(
        await session.scalars(
            select(Letter).where(*conditions).order_by(col(Letter.sent_at)).limit(limit)
        )
    )

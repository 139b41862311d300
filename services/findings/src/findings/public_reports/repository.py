"""The SQL of public reports: the ledger's count, keyset page and export rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from findings.public_reports.models import PublicReport


async def count(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    """How many public reports meet ``conditions``."""
    return int(
        await session.scalar(select(func.count()).select_from(PublicReport).where(*conditions)) or 0
    )


async def page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[PublicReport]:
    """Up to ``limit`` public reports after the key ``after``, by receipt time then id."""
    where = list(conditions)
    if after is not None:
        where.append(
            tuple_(col(PublicReport.received_at), col(PublicReport.id)) > tuple_(after[0], after[1])
        )
    return list(
        await session.scalars(
            select(PublicReport)
            .where(*where)
            .order_by(col(PublicReport.received_at), col(PublicReport.id))
            .limit(limit)
        )
    )


async def ledger(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], *, limit: int
) -> list[PublicReport]:
    """The public reports of an export, by receipt time then id."""
    return list(
        await session.scalars(
            select(PublicReport)
            .where(*conditions)
            .order_by(col(PublicReport.received_at), col(PublicReport.id))
            .limit(limit)
        )
    )

"""The SQL of reports: the keyset page of the report list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from findings.reports.models import Report


async def page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Report]:
    """Up to ``limit`` reports after the key ``after``, by creation time then id."""
    where = list(conditions)
    if after is not None:
        where.append(tuple_(col(Report.created_at), col(Report.id)) > tuple_(after[0], after[1]))
    return list(
        await session.scalars(
            select(Report)
            .where(*where)
            .order_by(col(Report.created_at), col(Report.id))
            .limit(limit)
        )
    )

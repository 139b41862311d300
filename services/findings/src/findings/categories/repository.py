"""The SQL of the jurisdiction's problem categories."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from findings.categories.models import ProblemCategory


async def categories(session: AsyncSession, jurisdiction: str) -> list[ProblemCategory]:
    """The office's own entries of the jurisdiction's problem list."""
    return list(
        await session.scalars(
            select(ProblemCategory).where(col(ProblemCategory.jurisdiction) == jurisdiction)
        )
    )


async def category_for_update(
    session: AsyncSession, jurisdiction: str, code: str
) -> ProblemCategory | None:
    """The office's entry ``code``, locked for the change; None while it is a default."""
    return await session.get(ProblemCategory, (jurisdiction, code), with_for_update=True)

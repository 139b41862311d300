"""The SQL of the jurisdiction's problem categories and findings settings, and of evidence
files."""

from __future__ import annotations

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from findings.common.models import EvidenceFile, FindingsSettingsRow, ProblemCategory


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


async def settings(
    session: AsyncSession, jurisdiction: str, *, for_update: bool = False
) -> FindingsSettingsRow | None:
    """The jurisdiction's settings row; None while the defaults apply."""
    return await session.get(FindingsSettingsRow, jurisdiction, with_for_update=for_update)


async def add_evidence_file(session: AsyncSession, file: EvidenceFile) -> None:
    """Store an evidence file unless the same content is stored already."""
    table: Table = EvidenceFile.__table__  # type: ignore[attr-defined]
    await session.execute(
        insert(table)
        .values(
            sha256=file.sha256,
            size=file.size,
            media_type=file.media_type,
            content=file.content,
            created_at=file.created_at,
        )
        .on_conflict_do_nothing()
    )

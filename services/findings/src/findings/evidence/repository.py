"""The SQL of evidence files."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from findings.evidence.models import EvidenceFile


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

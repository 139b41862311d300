"""Letter templates a jurisdiction may replace: one row per jurisdiction and kind of letter;
no row means the built-in default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.documents.layout import default_template


def letter_templates_table(metadata: MetaData) -> Table:
    """``<schema>.letter_templates``: a jurisdiction's uploaded template per kind of letter."""
    return Table(
        "letter_templates",
        metadata,
        Column("jurisdiction", String(32), nullable=False),
        Column("kind", String(64), nullable=False),
        Column("content", LargeBinary, nullable=False),
        Column("filename", String(255), nullable=False),
        Column("version", Integer, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("updated_by", String(128), nullable=False),
        PrimaryKeyConstraint("jurisdiction", "kind", name="pk_letter_templates"),
    )


@dataclass(frozen=True)
class StoredTemplate:
    """An uploaded template (without its content)."""

    jurisdiction: str
    kind: str
    filename: str
    version: int
    updated_at: datetime
    updated_by: str


def _meta_columns(table: Table) -> list[Column[object]]:
    return [c for c in table.c if c.name != "content"]


async def stored_templates(
    session: AsyncSession, table: Table, *, jurisdiction: str
) -> dict[str, StoredTemplate]:
    """The jurisdiction's uploaded templates by kind."""
    rows = (
        await session.execute(
            table.select()
            .with_only_columns(*_meta_columns(table))
            .where(table.c.jurisdiction == jurisdiction)
        )
    ).mappings()
    return {r["kind"]: StoredTemplate(**r) for r in rows}


async def stored_template(
    session: AsyncSession, table: Table, *, jurisdiction: str, kind: str, for_update: bool = False
) -> tuple[StoredTemplate, bytes] | None:
    """The uploaded template of ``kind`` and its content, or None."""
    stmt = table.select().where(table.c.jurisdiction == jurisdiction, table.c.kind == kind)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).mappings().first()
    if row is None:
        return None
    meta = {k: v for k, v in row.items() if k != "content"}
    return StoredTemplate(**meta), bytes(row["content"])


async def load_template(
    session: AsyncSession,
    table: Table,
    *,
    jurisdiction: str,
    kind: str,
    title_zh: str = "",
) -> bytes:
    """The template letters of ``kind`` use in ``jurisdiction``: the uploaded one, else
    the built-in default (``title_zh`` names the kind in the default's properties)."""
    found = await stored_template(session, table, jurisdiction=jurisdiction, kind=kind)
    if found is not None:
        return found[1]
    return default_template(kind, title_zh or kind)


async def save_template(
    session: AsyncSession,
    table: Table,
    *,
    jurisdiction: str,
    kind: str,
    content: bytes,
    filename: str,
    actor: str,
    now: datetime,
) -> StoredTemplate:
    """Store (or replace) the jurisdiction's template of ``kind``; the version goes up by
    one on each replacement. The caller checks the content first."""
    stmt = insert(table).values(
        jurisdiction=jurisdiction,
        kind=kind,
        content=content,
        filename=filename,
        version=1,
        updated_at=now,
        updated_by=actor,
    )
    upsert = stmt.on_conflict_do_update(
        index_elements=[table.c.jurisdiction, table.c.kind],
        set_={
            "content": stmt.excluded.content,
            "filename": stmt.excluded.filename,
            "version": table.c.version + 1,
            "updated_at": stmt.excluded.updated_at,
            "updated_by": stmt.excluded.updated_by,
        },
    ).returning(*_meta_columns(table))
    row = (await session.execute(upsert)).mappings().one()
    return StoredTemplate(**row)


async def delete_template(
    session: AsyncSession, table: Table, *, jurisdiction: str, kind: str
) -> bool:
    """Go back to the default template; False when there was no uploaded one."""
    result = await session.execute(
        table.delete()
        .where(table.c.jurisdiction == jurisdiction, table.c.kind == kind)
        .returning(table.c.kind)
    )
    return result.first() is not None

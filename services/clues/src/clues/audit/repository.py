"""All SQL of the audit log (entries are added through the session: see ``service``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from clues.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    jurisdiction: str
    clue_id: uuid.UUID | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def query(
    session: AsyncSession, where: AuditFilter, *, after: int | None, limit: int | None
) -> Sequence[AuditEntry]:
    """Entries of a jurisdiction, oldest first, keyset-paged by ``seq``."""
    stmt = select(AuditEntry).where(col(AuditEntry.jurisdiction) == where.jurisdiction)
    if where.clue_id is not None:
        stmt = stmt.where(col(AuditEntry.clue_id) == where.clue_id)
    if where.actor is not None:
        stmt = stmt.where(col(AuditEntry.actor) == where.actor)
    if where.action is not None:
        stmt = stmt.where(col(AuditEntry.action) == where.action)
    if where.since is not None:
        stmt = stmt.where(col(AuditEntry.at) >= where.since)
    if where.until is not None:
        stmt = stmt.where(col(AuditEntry.at) < where.until)
    if after is not None:
        stmt = stmt.where(col(AuditEntry.seq) > after)
    stmt = stmt.order_by(col(AuditEntry.seq))
    if limit is not None:
        stmt = stmt.limit(limit)
    return (await session.scalars(stmt)).all()

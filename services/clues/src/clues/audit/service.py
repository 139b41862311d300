"""Writing and reading the audit log. Entries are only ever inserted (the table's trigger
refuses anything else); ``detail`` carries ids, statuses and counts, never clue content."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal

from clues.audit.models import AuditEntry


async def record(
    session: AsyncSession,
    *,
    actor: Principal,
    action: str,
    now: datetime,
    clue_id: uuid.UUID | None = None,
    detail: dict[str, Any] | None = None,
    jurisdiction: str | None = None,
) -> None:
    """Append one entry in the caller's transaction (a rolled-back change leaves none)."""
    session.add(
        AuditEntry(
            at=now,
            jurisdiction=jurisdiction or actor.jurisdiction,
            actor=actor.subject,
            actor_roles=",".join(sorted(r.value for r in actor.roles)),
            actor_org_id=actor.org_id,
            action=action,
            clue_id=clue_id,
            detail=detail or {},
        )
    )
    await session.flush()


async def record_system(
    session: AsyncSession,
    *,
    jurisdiction: str,
    action: str,
    now: datetime,
    clue_id: uuid.UUID,
    detail: dict[str, Any],
) -> None:
    """An entry for a change the service made itself (the periodic chase)."""
    session.add(
        AuditEntry(
            at=now,
            jurisdiction=jurisdiction,
            actor="system",
            actor_roles="",
            action=action,
            clue_id=clue_id,
            detail=detail,
        )
    )
    await session.flush()


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

"""Writing the audit log. Entries are only ever inserted (the table's trigger
refuses anything else); ``detail`` carries ids, statuses and counts, never clue content."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
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

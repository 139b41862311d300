"""Key rotation: re-encrypt sealed clue content and notes under the current (first) key.

Run after putting a new key first in ``clue_keys`` (README, "Key rotation"); rows already
under the current key are left alone, so it can be rerun until it reports nothing left,
and each call handles a bounded batch under row locks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal

from clues.audit import service as audit
from clues.crypto import Sealer
from clues.rotation import repository
from clues.rotation.schemas import ReEncrypted

BATCH = 1000


async def re_encrypt(
    session: AsyncSession, *, sealer: Sealer, actor: Principal, now: datetime, batch: int = BATCH
) -> ReEncrypted:
    """Move up to ``batch`` clues and notes (each) to the current key; the run is audited."""
    clues = await repository.sealed_clues(session)
    notes = await repository.sealed_notes(session)
    stale_clues = [c for c in clues if not sealer.is_current(c.sealed)]
    stale_notes = [n for n in notes if not sealer.is_current(n.sealed)]
    for c in stale_clues[:batch]:
        c.sealed = sealer.rotate(c.sealed)
    for n in stale_notes[:batch]:
        n.sealed = sealer.rotate(n.sealed)
    await session.flush()
    result = ReEncrypted(
        clues=min(len(stale_clues), batch),
        notes=min(len(stale_notes), batch),
        remaining=len(stale_clues) > batch or len(stale_notes) > batch,
    )
    await audit.record(
        session,
        actor=actor,
        action="re_encrypt",
        now=now,
        detail={"clues": result.clues, "notes": result.notes},
    )
    return result

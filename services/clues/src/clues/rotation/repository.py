"""All SQL of key rotation: every sealed row, locked while it is re-encrypted."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from clues.ledger.models import Clue, ClueNote


async def sealed_clues(session: AsyncSession) -> Sequence[Clue]:
    stmt = select(Clue).order_by(col(Clue.id)).with_for_update()
    return (await session.scalars(stmt)).all()


async def sealed_notes(session: AsyncSession) -> Sequence[ClueNote]:
    stmt = select(ClueNote).order_by(col(ClueNote.id)).with_for_update()
    return (await session.scalars(stmt)).all()

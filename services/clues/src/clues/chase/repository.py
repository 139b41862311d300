"""All SQL of the chase: limits, letters, and the clues the job and the review read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.events.clues import ClueStatus

from clues.chase.models import ClueChaseLetter, DeadlineSettings
from clues.ledger.models import Clue


async def deadline_settings(
    session: AsyncSession, jurisdiction: str, *, for_update: bool = False
) -> DeadlineSettings | None:
    """A jurisdiction's own limits, if it set any (row-locked for a change)."""
    if not for_update:
        return await session.get(DeadlineSettings, jurisdiction)
    stmt = (
        select(DeadlineSettings)
        .where(col(DeadlineSettings.jurisdiction) == jurisdiction)
        .with_for_update()
    )
    return (await session.scalars(stmt)).first()


async def all_deadline_settings(session: AsyncSession) -> Sequence[DeadlineSettings]:
    return (await session.scalars(select(DeadlineSettings))).all()


async def letters_of(session: AsyncSession, clue_id: uuid.UUID) -> Sequence[ClueChaseLetter]:
    stmt = (
        select(ClueChaseLetter)
        .where(col(ClueChaseLetter.clue_id) == clue_id)
        .order_by(col(ClueChaseLetter.issued_at), col(ClueChaseLetter.id))
    )
    return (await session.scalars(stmt)).all()


async def get_letter(session: AsyncSession, letter_id: uuid.UUID) -> ClueChaseLetter | None:
    return await session.get(ClueChaseLetter, letter_id)


async def add_letter(session: AsyncSession, values: dict[str, Any]) -> uuid.UUID | None:
    """Insert a letter unless its (clue, stage, step) was issued already; its id, or None."""
    return await session.scalar(
        insert(ClueChaseLetter)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(col(ClueChaseLetter.id))
    )


async def chased_clues(session: AsyncSession, statuses: Sequence[ClueStatus]) -> Sequence[Clue]:
    """Clues in ``statuses``, row-locked; rows another run holds are skipped."""
    stmt = (
        select(Clue)
        .where(col(Clue.status).in_([s.value for s in statuses]))
        .order_by(col(Clue.id))
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(stmt)).all()


async def letters_for(
    session: AsyncSession, clue_ids: Sequence[uuid.UUID]
) -> Sequence[ClueChaseLetter]:
    stmt = select(ClueChaseLetter).where(col(ClueChaseLetter.clue_id).in_(clue_ids))
    return (await session.scalars(stmt)).all()


async def open_clues(session: AsyncSession, jurisdiction: str) -> Sequence[Clue]:
    """A jurisdiction's clues not yet closed, oldest proposal first."""
    stmt = (
        select(Clue)
        .where(col(Clue.jurisdiction) == jurisdiction, col(Clue.status) != ClueStatus.closed.value)
        .order_by(col(Clue.proposed_at), col(Clue.id))
    )
    return (await session.scalars(stmt)).all()


async def lettered_clue_ids(session: AsyncSession, jurisdiction: str) -> Sequence[uuid.UUID]:
    """The clue of every letter of a jurisdiction (a clue once per letter)."""
    stmt = select(col(ClueChaseLetter.clue_id)).where(
        col(ClueChaseLetter.jurisdiction) == jurisdiction
    )
    return (await session.scalars(stmt)).all()

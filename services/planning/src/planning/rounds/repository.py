"""SQL of rounds: numbering, lists, transitions and briefings (terms are in
``planning.terms.repository``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from planning.models import Assignment, Cadre, GroupMember, Round
from planning.rounds.lifecycle import ORDER, RoundStatus
from planning.rounds.models import RoundBriefing, RoundTransition

# --- rounds --------------------------------------------------------------------------------


async def get_round(
    session: AsyncSession, round_id: uuid.UUID, *, for_update: bool = False
) -> Round | None:
    stmt = select(Round).where(col(Round.id) == round_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


async def round_numbered(
    session: AsyncSession, term_id: uuid.UUID, number: int, *, other_than: uuid.UUID | None = None
) -> Round | None:
    stmt = select(Round).where(col(Round.term_id) == term_id, col(Round.number) == number)
    if other_than is not None:
        stmt = stmt.where(col(Round.id) != other_than)
    return (await session.execute(stmt)).scalars().first()


async def next_round_number(session: AsyncSession, term_id: uuid.UUID) -> int:
    stmt = select(func.coalesce(func.max(col(Round.number)), 0)).where(
        col(Round.term_id) == term_id
    )
    return int(await session.scalar(stmt) or 0) + 1


def _membership(subject: str, jurisdiction: str) -> Any:
    """True for a ``rounds`` row in one of whose groups the caller's cadre record sits."""
    return exists().where(
        col(GroupMember.round_id) == col(Round.id),
        col(GroupMember.cadre_id) == col(Cadre.id),
        col(Cadre.account) == subject,
        col(Cadre.jurisdiction) == jurisdiction,
    )


async def is_member(
    session: AsyncSession, round_id: uuid.UUID, subject: str, jurisdiction: str
) -> bool:
    stmt = select(
        exists().where(
            col(GroupMember.round_id) == round_id,
            col(GroupMember.cadre_id) == col(Cadre.id),
            col(Cadre.account) == subject,
            col(Cadre.jurisdiction) == jurisdiction,
        )
    )
    return bool(await session.scalar(stmt))


@dataclass(frozen=True)
class RoundFilter:
    """Who lists, and what: ``member_subject`` limits the list to a group member's rounds."""

    jurisdiction: str
    member_subject: str | None = None
    term_id: uuid.UUID | None = None
    statuses: Sequence[str] = ()
    modes: Sequence[str] = ()
    year: int | None = None
    """Rounds that went on site in this calendar year (as the figures count rounds held)."""


async def list_rounds(
    session: AsyncSession,
    flt: RoundFilter,
    *,
    descending: bool = False,
    after: tuple[date, uuid.UUID] | None = None,
    limit: int = 50,
) -> tuple[list[Round], int]:
    """A page of rounds ordered by on-site date then id, and the matching count."""
    conditions: list[Any] = []
    if flt.member_subject is None:
        conditions.append(col(Round.jurisdiction) == flt.jurisdiction)
    else:
        # A member of a cross or escalated round sees it from the inspecting jurisdiction.
        conditions += [
            or_(
                col(Round.jurisdiction) == flt.jurisdiction,
                col(Round.inspecting_jurisdiction) == flt.jurisdiction,
            ),
            _membership(flt.member_subject, flt.jurisdiction),
        ]
    if flt.term_id is not None:
        conditions.append(col(Round.term_id) == flt.term_id)
    if flt.statuses:
        conditions.append(col(Round.status).in_(flt.statuses))
    if flt.modes:
        conditions.append(col(Round.mode).in_(flt.modes))
    if flt.year is not None:
        conditions.append(
            col(Round.on_site_from).between(date(flt.year, 1, 1), date(flt.year, 12, 31))
        )
    total = await count_up_to_cap(session, select(Round).where(*conditions))
    stmt = select(Round).where(*conditions)
    start, rid = col(Round.on_site_from), col(Round.id)
    if after is not None:
        day, last = after
        if descending:
            stmt = stmt.where(or_(start < day, and_(start == day, rid < last)))
        else:
            stmt = stmt.where(or_(start > day, and_(start == day, rid > last)))
    order = (start.desc(), rid.desc()) if descending else (start.asc(), rid.asc())
    stmt = stmt.order_by(*order).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def transitions_of(session: AsyncSession, round_id: uuid.UUID) -> list[RoundTransition]:
    """A round's moves in the order they happened. Rounds only move forward, so the stage
    reached orders them even when two moves share a timestamp."""
    stmt = select(RoundTransition).where(col(RoundTransition.round_id) == round_id)
    rows = list((await session.execute(stmt)).scalars())
    return sorted(rows, key=lambda t: (t.at, ORDER.index(RoundStatus(t.to_status))))


async def assigned_count(session: AsyncSession, round_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(Assignment).where(col(Assignment.round_id) == round_id)
    return int(await session.scalar(stmt) or 0)


async def briefings_of(
    session: AsyncSession,
    round_id: uuid.UUID,
    *,
    stage: str | None = None,
    after: tuple[date, datetime, uuid.UUID] | None = None,
    limit: int | None = None,
) -> tuple[list[RoundBriefing], int]:
    """Briefings by date held, then when recorded, then id; with the matching count."""
    conditions: list[Any] = [col(RoundBriefing.round_id) == round_id]
    if stage is not None:
        conditions.append(col(RoundBriefing.stage) == stage)
    total = await count_up_to_cap(session, select(RoundBriefing).where(*conditions))
    stmt = select(RoundBriefing).where(*conditions)
    key = (col(RoundBriefing.held_on), col(RoundBriefing.created_at), col(RoundBriefing.id))
    if after is not None:
        held, created, bid = after
        stmt = stmt.where(
            or_(
                key[0] > held,
                and_(key[0] == held, key[1] > created),
                and_(key[0] == held, key[1] == created, key[2] > bid),
            )
        )
    stmt = stmt.order_by(*key)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.execute(stmt)).scalars()), total

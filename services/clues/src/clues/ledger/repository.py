"""All SQL of the ledger."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.events.clues import ClueStage, ClueStatus

from clues.ledger.access import Viewer
from clues.ledger.lifecycle import WITH_RECIPIENT
from clues.ledger.models import Clue, ClueNote
from clues.ledger.stages import StageClock
from clues.models import ASSIGNMENTS, ORGS, PROBLEMS, REPORTS


async def get_clue(
    session: AsyncSession, clue_id: uuid.UUID, *, for_update: bool = False
) -> Clue | None:
    stmt = select(Clue).where(col(Clue.id) == clue_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).first()


async def get_org(session: AsyncSession, org_id: uuid.UUID) -> Row[tuple[object, ...]] | None:
    """An org of planning's registry as this service's copy holds it."""
    return (await session.execute(ORGS.select().where(ORGS.c.id == org_id))).first()


async def notes_of(session: AsyncSession, clue_id: uuid.UUID) -> Sequence[ClueNote]:
    stmt = (
        select(ClueNote)
        .where(col(ClueNote.clue_id) == clue_id)
        .order_by(col(ClueNote.written_at), col(ClueNote.id))
    )
    return (await session.scalars(stmt)).all()


@dataclass(frozen=True)
class ClueFilter:
    statuses: list[str] = field(default_factory=list)
    round_id: uuid.UUID | None = None
    term_id: uuid.UUID | None = None
    recipient_org_id: uuid.UUID | None = None
    keeper_account: str | None = None
    priority: bool | None = None
    overdue: bool | None = None
    clock: StageClock | None = None
    """Needed for ``overdue``: the jurisdiction's limits, calendar and today."""


def _overdue(clock: StageClock) -> Any:
    """A limit is past: the same stages as ``chase.limits.open_stages``, in SQL."""
    S = ClueStatus
    accepted = col(Clue.accepted_at)
    return or_(
        and_(
            col(Clue.status) == S.reviewed.value,
            col(Clue.reviewed_at) < clock.cutoff(ClueStage.transfer),
        ),
        and_(
            col(Clue.status) == S.transferred.value,
            col(Clue.transferred_at) < clock.cutoff(ClueStage.receipt),
        ),
        and_(
            col(Clue.status).in_([S.accepted.value, S.handling.value]),
            or_(
                and_(
                    col(Clue.first_progress_at).is_(None),
                    accepted < clock.cutoff(ClueStage.first_progress),
                ),
                accepted < clock.cutoff(ClueStage.conclusion),
            ),
        ),
    )


def _matching(who: Viewer, where: ClueFilter) -> list[Any]:
    conditions: list[Any] = _visible(who)
    if where.statuses:
        conditions.append(col(Clue.status).in_(where.statuses))
    if where.round_id is not None:
        conditions.append(col(Clue.round_id) == where.round_id)
    if where.term_id is not None:
        conditions.append(col(Clue.term_id) == where.term_id)
    if where.recipient_org_id is not None:
        conditions.append(col(Clue.recipient_org_id) == where.recipient_org_id)
    if where.keeper_account is not None:
        conditions.append(col(Clue.keeper_account) == where.keeper_account)
    if where.priority is not None:
        conditions.append(col(Clue.priority).is_(where.priority))
    if where.overdue is not None:
        assert where.clock is not None, "the overdue filter needs the clock"
        late = _overdue(where.clock)
        # IS [NOT] TRUE: a stage time that is NULL is not late, and not unknown either.
        conditions.append(late.is_(True) if where.overdue else late.is_not(True))
    return conditions


def _visible(who: Viewer) -> list[object]:
    conditions: list[object] = [col(Clue.jurisdiction) == who.principal.jurisdiction]
    if not who.keeper:
        conditions += [
            col(Clue.recipient_org_id) == who.recipient_org_id,
            col(Clue.status).in_([s.value for s in WITH_RECIPIENT]),
        ]
    return conditions


async def list_clues(
    session: AsyncSession,
    *,
    who: Viewer,
    where: ClueFilter,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int | None,
) -> Sequence[Clue]:
    """Visible clues, newest proposal first."""
    stmt = select(Clue).where(*_matching(who, where))
    if after is not None:
        at, last = after
        stmt = stmt.where(
            or_(
                col(Clue.proposed_at) < at,
                and_(col(Clue.proposed_at) == at, col(Clue.id) < last),
            )
        )
    stmt = stmt.order_by(col(Clue.proposed_at).desc(), col(Clue.id).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return (await session.scalars(stmt)).all()


async def count_clues(session: AsyncSession, *, who: Viewer, where: ClueFilter) -> int:
    """How many visible clues match (the page's ``total``)."""
    stmt = select(func.count()).select_from(Clue).where(*_matching(who, where))
    return int(await session.scalar(stmt) or 0)


async def get_problem(
    session: AsyncSession, problem_id: uuid.UUID
) -> Row[tuple[object, ...]] | None:
    return (await session.execute(select(PROBLEMS).where(PROBLEMS.c.id == problem_id))).first()


async def get_report(session: AsyncSession, report_id: uuid.UUID) -> Row[tuple[object, ...]] | None:
    return (await session.execute(select(REPORTS).where(REPORTS.c.id == report_id))).first()


async def member_in_round(
    session: AsyncSession, *, round_id: uuid.UUID, account: str
) -> uuid.UUID | None:
    """The group of ``round_id`` that ``account`` belongs to, if any."""
    g, m = ASSIGNMENTS.groups, ASSIGNMENTS.members
    return await session.scalar(
        select(g.c.id)
        .where(
            g.c.round_id == round_id, exists().where(m.c.group_id == g.c.id, m.c.account == account)
        )
        .order_by(g.c.id)
        .limit(1)
    )

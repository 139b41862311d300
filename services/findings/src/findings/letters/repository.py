"""The SQL of letters: who sees which, the ledger's count, keyset page and export rows, the
letter's problems and addressee, and the letters past their reply day."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, RowMapping, any_, false, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal, Role

from findings.letters.models import Letter, LetterProblem
from findings.models import ORGS
from findings.problems.models import Problem


def visibility(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the letters ``principal`` may read (the office and leadership of the
    jurisdiction, the addressee org, a leader copied on it)."""
    parts: list[ColumnElement[bool]] = []
    if principal.has(Role.office, Role.leadership):
        parts.append(col(Letter.jurisdiction) == principal.jurisdiction)
    org = principal.org_uuid
    if org is not None:
        parts.append(col(Letter.addressee_org_id) == org)
    if principal.has(Role.leader):
        parts.append(literal(principal.subject) == any_(col(Letter.copy_to_accounts)))
    return or_(*parts) if parts else false()


async def visible_letter(
    session: AsyncSession,
    letter_id: uuid.UUID,
    visible: ColumnElement[bool],
    *,
    for_update: bool = False,
) -> Letter | None:
    """The letter, if ``visible`` lets the caller read it (locked for a change if asked)."""
    stmt = select(Letter).where(col(Letter.id) == letter_id, visible)
    if for_update:
        stmt = stmt.with_for_update(of=Letter)
    return (await session.scalars(stmt)).first()


async def problem_ids_of(
    session: AsyncSession, letter_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """The problems each letter is about."""
    links: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in letter_ids}
    if letter_ids:
        for lid, pid in await session.execute(
            select(col(LetterProblem.letter_id), col(LetterProblem.problem_id)).where(
                col(LetterProblem.letter_id).in_(letter_ids)
            )
        ):
            links[lid].append(pid)
    return links


async def org(session: AsyncSession, org_id: uuid.UUID) -> RowMapping | None:
    """The projected org, as a mapping of its columns; None if unknown."""
    return (await session.execute(ORGS.select().where(ORGS.c.id == org_id))).mappings().first()


async def problems_of_jurisdiction(
    session: AsyncSession, problem_ids: Sequence[uuid.UUID], jurisdiction: str
) -> list[Problem]:
    """The problems among ``problem_ids`` of the jurisdiction, in the order recorded."""
    return list(
        await session.scalars(
            select(Problem)
            .where(col(Problem.id).in_(problem_ids), col(Problem.jurisdiction) == jurisdiction)
            .order_by(col(Problem.created_at), col(Problem.id))
        )
    )


async def org_names(session: AsyncSession, org_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The projected orgs' names by id."""
    return dict(
        (await session.execute(select(ORGS.c.id, ORGS.c.name).where(ORGS.c.id.in_(org_ids)))).all()
    )


async def overdue_for_update(session: AsyncSession, today: date) -> list[Letter]:
    """Up to 500 letters past their reply day without a reply or a chase yet, locked (those
    another chase holds are skipped)."""
    return list(
        await session.scalars(
            select(Letter)
            .where(
                col(Letter.reply_due_on) < today,
                col(Letter.replied_at).is_(None),
                col(Letter.overdue_emitted).is_(False),
            )
            .with_for_update(skip_locked=True)
            .limit(500)
        )
    )


async def count(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    """How many letters meet ``conditions``."""
    return int(
        await session.scalar(select(func.count()).select_from(Letter).where(*conditions)) or 0
    )


async def page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Letter]:
    """Up to ``limit`` letters after the key ``after``, by sending time then id."""
    where = list(conditions)
    if after is not None:
        where.append(tuple_(col(Letter.sent_at), col(Letter.id)) > tuple_(after[0], after[1]))
    return list(
        await session.scalars(
            select(Letter).where(*where).order_by(col(Letter.sent_at), col(Letter.id)).limit(limit)
        )
    )


async def ledger(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], *, limit: int
) -> list[Letter]:
    """The letters of an export, by sending time."""
    return list(
        await session.scalars(
            select(Letter).where(*conditions).order_by(col(Letter.sent_at)).limit(limit)
        )
    )

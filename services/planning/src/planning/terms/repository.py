"""SQL of terms, their scope (应巡对象) and its coverage: what is covered is decided here, in
one place (``_covered``), for the counts, the lists and the milestone alike."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from planning.models import Assignment, Org, Round, Term
from planning.rounds.lifecycle import COVERING_STATUSES, RoundStatus
from planning.terms.models import CoverageMilestone, TermOrg

_COVERING = [s.value for s in COVERING_STATUSES]


async def get_term(
    session: AsyncSession, term_id: uuid.UUID, *, for_update: bool = False
) -> Term | None:
    stmt = select(Term).where(col(Term.id) == term_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


async def term_named(
    session: AsyncSession, jurisdiction: str, name: str, *, other_than: uuid.UUID | None = None
) -> Term | None:
    stmt = select(Term).where(col(Term.jurisdiction) == jurisdiction, col(Term.name) == name)
    if other_than is not None:
        stmt = stmt.where(col(Term.id) != other_than)
    return (await session.execute(stmt)).scalars().first()


async def overlapping_term(
    session: AsyncSession,
    jurisdiction: str,
    starts_on: date,
    ends_on: date,
    *,
    other_than: uuid.UUID | None = None,
) -> Term | None:
    """A term of the jurisdiction whose dates overlap ``starts_on`` … ``ends_on``."""
    stmt = select(Term).where(
        col(Term.jurisdiction) == jurisdiction,
        col(Term.starts_on) <= ends_on,
        col(Term.ends_on) >= starts_on,
    )
    if other_than is not None:
        stmt = stmt.where(col(Term.id) != other_than)
    return (await session.execute(stmt.order_by(col(Term.starts_on)))).scalars().first()


async def list_terms(
    session: AsyncSession,
    *,
    jurisdiction: str,
    active_on: date | None = None,
    after: tuple[date, uuid.UUID] | None = None,
    limit: int = 50,
) -> tuple[list[Term], int]:
    """A page of terms, newest first (by start date, then id), and the matching count."""
    conditions: list[Any] = [col(Term.jurisdiction) == jurisdiction]
    if active_on is not None:
        conditions += [col(Term.starts_on) <= active_on, col(Term.ends_on) >= active_on]
    total = await count_up_to_cap(session, select(Term).where(*conditions))
    stmt = select(Term).where(*conditions)
    if after is not None:
        starts, last_id = after
        stmt = stmt.where(
            or_(
                col(Term.starts_on) < starts,
                and_(col(Term.starts_on) == starts, col(Term.id) < last_id),
            )
        )
    stmt = stmt.order_by(col(Term.starts_on).desc(), col(Term.id).desc()).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def scope_sizes(session: AsyncSession, term_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not term_ids:
        return {}
    stmt = (
        select(col(TermOrg.term_id), func.count())
        .where(col(TermOrg.term_id).in_(term_ids))
        .group_by(col(TermOrg.term_id))
    )
    return {row[0]: int(row[1]) for row in await session.execute(stmt)}


async def round_totals(
    session: AsyncSession, term_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not term_ids:
        return {}
    stmt = (
        select(col(Round.term_id), func.count())
        .where(col(Round.term_id).in_(term_ids))
        .group_by(col(Round.term_id))
    )
    return {row[0]: int(row[1]) for row in await session.execute(stmt)}


async def round_outside(
    session: AsyncSession, term_id: uuid.UUID, starts_on: date, ends_on: date
) -> Round | None:
    """A round of the term whose on-site dates fall outside ``starts_on`` … ``ends_on``."""
    stmt = select(Round).where(
        col(Round.term_id) == term_id,
        or_(col(Round.on_site_from) < starts_on, col(Round.on_site_until) > ends_on),
    )
    return (await session.execute(stmt.order_by(col(Round.number)))).scalars().first()


# --- scope and coverage --------------------------------------------------------------------


async def active_org_ids(session: AsyncSession, jurisdiction: str) -> list[uuid.UUID]:
    stmt = select(col(Org.id)).where(col(Org.jurisdiction) == jurisdiction, col(Org.active))
    return list((await session.execute(stmt)).scalars())


async def orgs_by_id(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Org]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    stmt = select(Org).where(col(Org.id).in_(wanted))
    return {o.id: o for o in (await session.execute(stmt)).scalars()}


async def add_to_scope(
    session: AsyncSession, term_id: uuid.UUID, org_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Insert the orgs not yet in scope; returns those actually added."""
    if not org_ids:
        return []
    table = TermOrg.__table__  # type: ignore[attr-defined]
    stmt = (
        insert(table)
        .values([{"term_id": term_id, "org_id": o} for o in org_ids])
        .on_conflict_do_nothing()
        .returning(table.c.org_id)
    )
    return list((await session.execute(stmt)).scalars())


async def remove_from_scope(session: AsyncSession, term_id: uuid.UUID, org_id: uuid.UUID) -> bool:
    table = TermOrg.__table__  # type: ignore[attr-defined]
    stmt = (
        table.delete()
        .where(table.c.term_id == term_id, table.c.org_id == org_id)
        .returning(table.c.org_id)
    )
    return (await session.execute(stmt)).first() is not None


def _covered(term_id: uuid.UUID) -> Any:
    """True for a ``term_orgs`` row whose org has an assignment in a round of the term that
    reached feedback."""
    return exists().where(
        col(Assignment.org_id) == col(TermOrg.org_id),
        col(Assignment.round_id) == col(Round.id),
        col(Round.term_id) == term_id,
        col(Round.status).in_(_COVERING),
    )


@dataclass(frozen=True)
class KindCount:
    kind: str
    in_scope: int
    covered: int


async def coverage_by_kind(session: AsyncSession, term_id: uuid.UUID) -> list[KindCount]:
    covered = _covered(term_id)
    stmt = (
        select(col(Org.kind), func.count(), func.count().filter(covered))
        .select_from(TermOrg)
        .join(Org, col(Org.id) == col(TermOrg.org_id))
        .where(col(TermOrg.term_id) == term_id)
        .group_by(col(Org.kind))
        .order_by(col(Org.kind))
    )
    return [KindCount(r[0], int(r[1]), int(r[2])) for r in await session.execute(stmt)]


@dataclass(frozen=True)
class ScopeRow:
    org: Org
    parent_name: str | None
    covered: bool
    round_numbers: list[int]


async def scope_page(
    session: AsyncSession,
    *,
    term_id: uuid.UUID,
    covered: bool | None = None,
    kinds: Sequence[str] = (),
    parent_id: uuid.UUID | None = None,
    after_code: str | None = None,
    limit: int = 50,
) -> tuple[list[ScopeRow], int]:
    """A page of the term's scope ordered by code, with the count matching the filters."""
    is_covered = _covered(term_id)
    conditions: list[Any] = [col(TermOrg.term_id) == term_id]
    if covered is not None:
        conditions.append(is_covered if covered else ~is_covered)
    if kinds:
        conditions.append(col(Org.kind).in_(kinds))
    if parent_id is not None:
        conditions.append(col(Org.parent_id) == parent_id)
    base = select(TermOrg).join(Org, col(Org.id) == col(TermOrg.org_id)).where(*conditions)
    total = int(await session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    parent = aliased(Org)
    stmt: Select[Any] = (
        select(Org, col(parent.name), is_covered)
        .select_from(TermOrg)
        .join(Org, col(Org.id) == col(TermOrg.org_id))
        .outerjoin(parent, col(parent.id) == col(Org.parent_id))
        .where(*conditions)
    )
    if after_code is not None:
        stmt = stmt.where(col(Org.code) > after_code)
    rows = list(await session.execute(stmt.order_by(col(Org.code)).limit(limit)))
    numbers = await _round_numbers(session, term_id, [r[0].id for r in rows])
    return [
        ScopeRow(
            org=r[0], parent_name=r[1], covered=bool(r[2]), round_numbers=numbers.get(r[0].id, [])
        )
        for r in rows
    ], total


async def _round_numbers(
    session: AsyncSession, term_id: uuid.UUID, org_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[int]]:
    if not org_ids:
        return {}
    stmt = (
        select(col(Assignment.org_id), col(Round.number))
        .join(Round, col(Round.id) == col(Assignment.round_id))
        .where(col(Round.term_id) == term_id, col(Assignment.org_id).in_(org_ids))
        .order_by(col(Round.number))
    )
    out: dict[uuid.UUID, list[int]] = {}
    for org_id, number in await session.execute(stmt):
        out.setdefault(org_id, []).append(number)
    return out


async def rounds_by_status(session: AsyncSession, term_id: uuid.UUID) -> dict[RoundStatus, int]:
    stmt = (
        select(col(Round.status), func.count())
        .where(col(Round.term_id) == term_id)
        .group_by(col(Round.status))
    )
    return {RoundStatus(r[0]): int(r[1]) for r in await session.execute(stmt)}


async def get_milestone(session: AsyncSession, term_id: uuid.UUID) -> CoverageMilestone | None:
    return await session.get(CoverageMilestone, term_id)


async def insert_milestone(
    session: AsyncSession,
    *,
    term_id: uuid.UUID,
    reached_at: datetime,
    round_id: uuid.UUID | None,
    orgs_in_scope: int,
) -> bool:
    """Record that the term reached full coverage; False if it already had."""
    table = CoverageMilestone.__table__  # type: ignore[attr-defined]
    stmt = (
        insert(table)
        .values(
            term_id=term_id, reached_at=reached_at, round_id=round_id, orgs_in_scope=orgs_in_scope
        )
        .on_conflict_do_nothing()
        .returning(table.c.term_id)
    )
    return (await session.execute(stmt)).first() is not None

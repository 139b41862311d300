"""All SQL of the figures: facts joined to planning's own rounds, terms and orgs."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, String, case, cast, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from planning.figures.facts import FactKind
from planning.figures.models import FIGURE_SUMS, FigureFact
from planning.figures.schemas import BreakdownBy, FiguresFilter
from planning.models import Assignment, Org, Round, Term
from planning.rounds.lifecycle import COVERING_STATUSES

F = FigureFact.__table__.c  # type: ignore[attr-defined]
S = FIGURE_SUMS.c

Sums = dict[FactKind, tuple[int, Decimal]]


def _slice_conditions(
    c: Any, jurisdiction: str, f: FiguresFilter, in_year: ColumnElement[bool] | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [c.jurisdiction == jurisdiction]
    if f.round_id is not None:
        conditions.append(c.round_id == f.round_id)
    if f.term_id is not None:
        conditions.append(
            c.round_id.in_(select(col(Round.id)).where(col(Round.term_id) == f.term_id))
        )
    if in_year is not None:
        conditions.append(in_year)
    if f.org_kind is not None:
        conditions.append(
            c.org_id.in_(select(col(Org.id)).where(col(Org.kind) == f.org_kind.value))
        )
    return conditions


def fact_conditions(jurisdiction: str, f: FiguresFilter) -> list[ColumnElement[bool]]:
    """The slice's facts (for the records of a figure)."""
    in_year = (
        F.occurred_on.between(date(f.year, 1, 1), date(f.year, 12, 31))
        if f.year is not None
        else None
    )
    return _slice_conditions(F, jurisdiction, f, in_year)


def sum_conditions(jurisdiction: str, f: FiguresFilter) -> list[ColumnElement[bool]]:
    """The slice's rows of the figures' sums (for the figures themselves)."""
    in_year = S.year == f.year if f.year is not None else None
    return _slice_conditions(S, jurisdiction, f, in_year)


def _group_key(by: BreakdownBy | None) -> ColumnElement[Any]:
    match by:
        case BreakdownBy.round:
            return cast(S.round_id, String)
        case BreakdownBy.term:
            return cast(col(Round.term_id), String)
        case BreakdownBy.year:
            return cast(S.year, String)
        case BreakdownBy.org_kind:
            return cast(col(Org.kind), String)
        case None:
            return literal("")


def _amount_sum() -> ColumnElement[Any]:
    """The amounts' sum, NULL when no fact has one (as SUM over the facts would be)."""
    return case((func.sum(S.amounts) > 0, func.sum(S.amount_yuan)), else_=None)


async def fact_sums(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    by: BreakdownBy | None = None,
) -> dict[str | None, Sums]:
    """Quantity and amount per fact kind, per group when ``by`` is given, from the figures'
    sums (``conditions`` from :func:`sum_conditions`)."""
    key = _group_key(by).label("key")
    stmt = (
        select(key, S.kind, func.sum(S.quantity), func.coalesce(_amount_sum(), 0))
        .select_from(FIGURE_SUMS)
        .outerjoin(Round, col(Round.id) == S.round_id)
        .outerjoin(Org, col(Org.id) == S.org_id)
        .where(*conditions)
        .group_by(key, S.kind)
        .having(func.sum(S.facts) > 0)
    )
    sums: dict[str | None, Sums] = defaultdict(dict)
    for group, kind, quantity, amount in await session.execute(stmt):
        sums[group][FactKind(kind)] = (int(quantity), Decimal(amount))
    return dict(sums)


async def rounds_held(session: AsyncSession, jurisdiction: str, f: FiguresFilter) -> int:
    """Rounds at feedback or later in the slice; with an org kind, those that inspected one."""
    conditions = [
        col(Round.jurisdiction) == jurisdiction,
        col(Round.status).in_([s.value for s in COVERING_STATUSES]),
    ]
    if f.round_id is not None:
        conditions.append(col(Round.id) == f.round_id)
    if f.term_id is not None:
        conditions.append(col(Round.term_id) == f.term_id)
    if f.year is not None:
        conditions.append(col(Round.on_site_from).between(date(f.year, 1, 1), date(f.year, 12, 31)))
    if f.org_kind is not None:
        inspected_kind = (
            select(col(Assignment.round_id))
            .join(Org, col(Org.id) == col(Assignment.org_id))
            .where(col(Org.kind) == f.org_kind.value)
        )
        conditions.append(col(Round.id).in_(inspected_kind))
    return int(await session.scalar(select(func.count()).where(*conditions)) or 0)


async def get_round(session: AsyncSession, round_id: uuid.UUID) -> Round | None:
    return await session.get(Round, round_id)


async def get_term(session: AsyncSession, term_id: uuid.UUID) -> Term | None:
    return await session.get(Term, term_id)


async def latest_term(session: AsyncSession, jurisdiction: str, today: date) -> Term | None:
    """The term in force today, else the latest one that started."""
    stmt = (
        select(Term)
        .where(col(Term.jurisdiction) == jurisdiction, col(Term.starts_on) <= today)
        .order_by(col(Term.starts_on).desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def labels(session: AsyncSession, by: BreakdownBy, keys: Sequence[str]) -> dict[str, str]:
    """Names for breakdown keys that are ids (rounds, terms), in the order they happened
    (a trend reads left to right)."""
    # Years and org kinds are named by the caller; only ids need a look-up.
    if by not in (BreakdownBy.round, BreakdownBy.term):
        return {}
    ids = [uuid.UUID(k) for k in keys if k]
    if by is BreakdownBy.round:
        stmt = select(col(Round.id), col(Round.name)).order_by(
            col(Round.on_site_from), col(Round.number), col(Round.id)
        )
        rows = await session.execute(stmt.where(col(Round.id).in_(ids)))
    else:
        stmt = select(col(Term.id), col(Term.name)).order_by(col(Term.starts_on), col(Term.id))
        rows = await session.execute(stmt.where(col(Term.id).in_(ids)))
    return {str(i): name for i, name in rows}


async def record_rows(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    kind: FactKind,
    after: Sequence[Any] | None,
    limit: int,
) -> Sequence[Any]:
    """One page of a figure's records, newest first (``conditions`` from
    :func:`fact_conditions`); how many there are is :func:`fact_totals`' to say."""
    conditions = [*conditions, F.kind == kind.value]
    table = FigureFact.__table__  # type: ignore[attr-defined]
    newest_first = (F.occurred_on.desc(), F.record_id)
    page: Any = select(table).where(*conditions).order_by(*newest_first).limit(limit)
    if after:
        after_day, after_id = date.fromisoformat(str(after[0])), uuid.UUID(str(after[1]))
        page = records_after_seen(page, after_day, after_id, limit=limit)
    rows = page.subquery()
    stmt = (
        select(rows, col(Round.name).label("round_name"), col(Org.name).label("org_name"))
        .outerjoin(Round, col(Round.id) == rows.c.round_id)
        .outerjoin(Org, col(Org.id) == rows.c.org_id)
        .order_by(rows.c.occurred_on.desc(), rows.c.record_id)
    )
    return (await session.execute(stmt)).mappings().all()


def records_after_seen(
    page: Select[Any], after_day: date, after_id: uuid.UUID, *, limit: int
) -> Select[Any]:
    """The records after a cursor (newest day first, then record id ascending) as two
    index seeks: the rest of the cursor's day, then the days before it. One condition
    ``day < d OR (day = d AND id > r)`` cannot seek in that mixed order, and would read
    again every earlier record of a day that tens of thousands of problems share (a round's
    feedback)."""
    rest_of_day = page.where(F.occurred_on == after_day, F.record_id > after_id)
    days_before = page.where(F.occurred_on < after_day)
    both = union_all(rest_of_day, days_before).subquery()
    return select(both).order_by(both.c.occurred_on.desc(), both.c.record_id).limit(limit)


async def fact_totals(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], *, kind: FactKind
) -> tuple[int, int, Decimal | None]:
    """How many facts a figure has, their quantity and amount (the figure itself), from the
    figures' sums (``conditions`` from :func:`sum_conditions`)."""
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(S.facts), 0),
                func.coalesce(func.sum(S.quantity), 0),
                _amount_sum(),
            ).where(*conditions, S.kind == kind.value)
        )
    ).one()
    return int(row[0]), int(row[1]), row[2]


async def count_rows(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    kind: FactKind,
    after: Sequence[Any] | None,
    limit: int,
) -> tuple[Sequence[Any], int]:
    """A confidential figure opened to counts per round and org, never to its records."""
    conditions = [*conditions, F.kind == kind.value]
    key = func.concat(
        func.coalesce(cast(F.round_id, String), ""), "/", func.coalesce(cast(F.org_id, String), "")
    ).label("key")
    grouped = (
        select(
            key,
            F.round_id,
            F.org_id,
            func.sum(F.quantity).label("quantity"),
            func.sum(F.amount_yuan).label("amount_yuan"),
        )
        .where(*conditions)
        .group_by(F.round_id, F.org_id)
        .subquery()
    )
    total = int(await session.scalar(select(func.count()).select_from(grouped)) or 0)
    stmt = (
        select(grouped, col(Round.name).label("round_name"), col(Org.name).label("org_name"))
        .outerjoin(Round, col(Round.id) == grouped.c.round_id)
        .outerjoin(Org, col(Org.id) == grouped.c.org_id)
        .order_by(grouped.c.key)
        .limit(limit)
    )
    if after:
        stmt = stmt.where(grouped.c.key > str(after[0]))
    return (await session.execute(stmt)).mappings().all(), total

"""The office's figures (成绩单): planning's own rounds and coverage, plus the facts other
services reported through their events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import decode_cursor, split_page
from xuncha_shared.orgs import ORG_KIND_LABELS_ZH, OrgKind
from xuncha_shared.problems import NotFound

from planning.figures import repository
from planning.figures.access import require_clue_figure_reader, require_reader, sees_clue_figures
from planning.figures.facts import (
    CONFIDENTIAL,
    KIND_RECORD_PATHS,
    RECORD_PATHS,
    SOURCES,
    FactKind,
)
from planning.figures.schemas import (
    BreakdownBy,
    BreakdownRead,
    BreakdownRow,
    CoverageFigures,
    FigureRecord,
    FigureRecordPage,
    FiguresFilter,
    FiguresRead,
)
from planning.rounds.pace import percent
from planning.terms import repository as terms_repository


def fact_figures(sums: repository.Sums, *, clues: bool = True) -> dict[str, object]:
    """The counted figures of ``sums``; without ``clues`` (need to know) the clue figures
    are None."""

    def n(kind: FactKind) -> int:
        return sums.get(kind, (0, Decimal(0)))[0]

    def clue(kind: FactKind) -> int | None:
        return n(kind) if clues else None

    total, accepted = n(FactKind.tasks_opened), n(FactKind.tasks_accepted)
    money = sums.get(FactKind.money_recovered, (0, Decimal(0)))[1]
    return {
        "problems_fed_back": n(FactKind.problems_fed_back),
        "clues_transferred": clue(FactKind.clues_transferred),
        "cases_filed": clue(FactKind.cases_filed),
        "persons_sanctioned": clue(FactKind.persons_sanctioned),
        "organizational_handlings": clue(FactKind.organizational_handlings),
        "money_recovered_yuan": money if clues else None,
        "institutions_built": n(FactKind.institutions_built),
        "tasks_total": total,
        "tasks_accepted": accepted,
        "completion_rate": percent(accepted, total) if total else None,
        "livelihood_problems_solved": n(FactKind.livelihood_solved),
        "circulars_published": n(FactKind.circulars_published),
        "typical_cases_published": n(FactKind.typical_cases_published),
    }


async def check_filter(session: AsyncSession, principal: Principal, f: FiguresFilter) -> None:
    """Another jurisdiction's term or round is as good as missing."""
    if f.term_id is not None:
        term = await repository.get_term(session, f.term_id)
        if term is None or term.jurisdiction != principal.jurisdiction:
            raise NotFound("届次不存在", "No such term", field="term_id")
    if f.round_id is not None:
        round_ = await repository.get_round(session, f.round_id)
        if round_ is None or round_.jurisdiction != principal.jurisdiction:
            raise NotFound("轮次不存在", "No such round", field="round_id")


async def coverage(
    session: AsyncSession, principal: Principal, f: FiguresFilter, today: date
) -> CoverageFigures | None:
    term_id = f.term_id
    if term_id is None and f.round_id is not None:
        round_ = await repository.get_round(session, f.round_id)
        term_id = round_.term_id if round_ else None
    term = (
        await repository.get_term(session, term_id)
        if term_id is not None
        else await repository.latest_term(session, principal.jurisdiction, today)
    )
    if term is None:
        return None
    by_kind = await terms_repository.coverage_by_kind(session, term.id)
    if f.org_kind is not None:
        by_kind = [k for k in by_kind if k.kind == f.org_kind.value]
    in_scope = sum(k.in_scope for k in by_kind)
    covered = sum(k.covered for k in by_kind)
    return CoverageFigures(
        term_id=term.id,
        term_name=term.name,
        orgs_in_scope=in_scope,
        orgs_covered=covered,
        coverage_percent=percent(covered, in_scope),
    )


async def figures(
    session: AsyncSession, *, principal: Principal, f: FiguresFilter, today: date
) -> FiguresRead:
    """The figures for a slice (term, year, round, org kind) of the caller's jurisdiction."""
    require_reader(principal)
    await check_filter(session, principal, f)
    conditions = repository.sum_conditions(principal.jurisdiction, f)
    sums = (await repository.fact_sums(session, conditions)).get("", {})
    return FiguresRead(
        filter=f,
        rounds_held=await repository.rounds_held(session, principal.jurisdiction, f),
        coverage=await coverage(session, principal, f, today),
        **fact_figures(sums, clues=sees_clue_figures(principal)),
    )


async def breakdown(
    session: AsyncSession, *, principal: Principal, f: FiguresFilter, by: BreakdownBy
) -> BreakdownRead:
    """The counted figures per round, term, year or org kind."""
    require_reader(principal)
    await check_filter(session, principal, f)
    conditions = repository.sum_conditions(principal.jurisdiction, f)
    groups = await repository.fact_sums(session, conditions, by)
    names = await repository.labels(session, by, [k for k in groups if k])
    clues = sees_clue_figures(principal)
    rows = []
    order = {key: i for i, key in enumerate(names)}
    for key in sorted(groups, key=lambda k: (k is None, order.get(k or "", 0), k or "")):
        if key is None:
            label = "未关联轮次" if by in (BreakdownBy.round, BreakdownBy.term) else "其他"
        elif by is BreakdownBy.org_kind:
            label = ORG_KIND_LABELS_ZH[OrgKind(key)]
        elif by is BreakdownBy.year:
            label = f"{key}年"
        else:
            label = names.get(key, key)
        rows.append(
            BreakdownRow(key=key or "", label=label, **fact_figures(groups[key], clues=clues))
        )
    return BreakdownRead(by=by, filter=f, rows=rows)


def _records(figure: FactKind, rows: Sequence[Any]) -> list[FigureRecord]:
    confidential = figure in CONFIDENTIAL
    path = KIND_RECORD_PATHS.get(figure) or RECORD_PATHS.get(SOURCES[figure])
    return [
        FigureRecord(
            figure=figure,
            record_id=None if confidential else r["record_id"],
            link=None if confidential or path is None else path.format(id=r["record_id"]),
            round_id=r["round_id"],
            round_name=r["round_name"],
            org_id=r["org_id"],
            org_name=r["org_name"],
            occurred_on=None if confidential else r["occurred_on"],
            quantity=int(r["quantity"]),
            amount_yuan=r["amount_yuan"],
        )
        for r in rows
    ]


async def records(
    session: AsyncSession,
    *,
    principal: Principal,
    f: FiguresFilter,
    figure: FactKind,
    cursor: str | None,
    limit: int,
) -> FigureRecordPage:
    """A figure opened to its records, newest first; a clue figure only to its counts per
    round and org. The page carries the figure over all pages (``quantity_total``)."""
    require_reader(principal)
    require_clue_figure_reader(principal, figure)
    await check_filter(session, principal, f)
    conditions = repository.fact_conditions(principal.jurisdiction, f)
    after = decode_cursor(cursor, arity=1 if figure in CONFIDENTIAL else 2)
    facts, quantity, amount = await repository.fact_totals(
        session, repository.sum_conditions(principal.jurisdiction, f), kind=figure
    )
    if figure in CONFIDENTIAL:
        rows, total = await repository.count_rows(
            session, conditions, kind=figure, after=after, limit=limit + 1
        )
        page, next_cursor = split_page(rows, limit, lambda r: [r["key"]])
    else:
        rows = await repository.record_rows(
            session, conditions, kind=figure, after=after, limit=limit + 1
        )
        page, next_cursor = split_page(rows, limit, lambda r: [r["occurred_on"], r["record_id"]])
        total = facts
    return FigureRecordPage(
        items=_records(figure, page),
        next_cursor=next_cursor,
        total=total,
        quantity_total=quantity,
        amount_total_yuan=amount,
    )

"""All SQL of the figures: the measures, computed from the ledger in one query per grouping."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from clues.figures.schemas import GroupBy
from clues.ledger.models import Clue
from clues.models import ASSIGNMENTS


def sa_table(model: type[Clue]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def _days(end: Any, start: Any) -> ColumnElement[Any]:
    return func.avg(func.extract("epoch", end - start) / 86400.0)


def _count(column: Any) -> ColumnElement[Any]:
    return func.count(column)


def _sum(column: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(column), 0)


MEASURES: list[tuple[str, ColumnElement[Any]]] = [
    ("proposed", func.count()),
    ("transferred", _count(col(Clue.transferred_at))),
    ("accepted", _count(col(Clue.accepted_at))),
    ("concluded", _count(col(Clue.concluded_at))),
    ("closed", _count(col(Clue.closed_at))),
    ("cases_filed", _sum(case((col(Clue.case_filed).is_(True), 1), else_=0))),
    ("persons_sanctioned", _sum(col(Clue.persons_sanctioned))),
    ("organizational_handlings", _sum(col(Clue.organizational_handlings))),
    ("first_form", _sum(col(Clue.first_form))),
    ("second_form", _sum(col(Clue.second_form))),
    ("third_form", _sum(col(Clue.third_form))),
    ("fourth_form", _sum(col(Clue.fourth_form))),
    ("money_recovered_yuan", _sum(col(Clue.money_recovered_yuan))),
    ("avg_days_to_review", _days(col(Clue.reviewed_at), col(Clue.proposed_at))),
    ("avg_days_to_transfer", _days(col(Clue.transferred_at), col(Clue.reviewed_at))),
    ("avg_days_to_receipt", _days(col(Clue.accepted_at), col(Clue.transferred_at))),
    ("avg_days_to_conclusion", _days(col(Clue.concluded_at), col(Clue.accepted_at))),
]
ROUNDS = ASSIGNMENTS.rounds
# A clue proposed before planning's round reached this service has no term of its own;
# the round projection supplies it once it arrives.
term_of_clue: ColumnElement[Any] = func.coalesce(col(Clue.term_id), ROUNDS.c.term_id)
KEYS: dict[GroupBy, Any] = {
    GroupBy.round: col(Clue.round_id),
    GroupBy.term: term_of_clue,
    GroupBy.recipient: col(Clue.recipient_org_id),
}
FROM = sa_table(Clue).outerjoin(ROUNDS, ROUNDS.c.id == col(Clue.round_id))


async def measures(
    session: AsyncSession,
    *,
    jurisdiction: str,
    group_by: GroupBy,
    round_id: uuid.UUID | None = None,
    term_id: uuid.UUID | None = None,
    recipient_org_id: uuid.UUID | None = None,
) -> tuple[RowMapping, Sequence[RowMapping]]:
    """The measures over the whole selection, and per group (with its ``key``) unless
    ``group_by`` is none."""
    conditions: list[ColumnElement[bool]] = [col(Clue.jurisdiction) == jurisdiction]
    if round_id is not None:
        conditions.append(col(Clue.round_id) == round_id)
    if term_id is not None:
        conditions.append(term_of_clue == term_id)
    if recipient_org_id is not None:
        conditions.append(col(Clue.recipient_org_id) == recipient_org_id)
    labelled = [expr.label(name) for name, expr in MEASURES]
    total = (
        (await session.execute(select(*labelled).select_from(FROM).where(*conditions)))
        .mappings()
        .one()
    )
    if group_by == GroupBy.none:
        return total, []
    key = KEYS[group_by]
    result = await session.execute(
        select(key.label("key"), *labelled)
        .select_from(FROM)
        .where(*conditions)
        .group_by(key)
        .order_by(key)
    )
    return total, result.mappings().all()

"""The office's clue figures (成绩单), computed in SQL from the ledger: counts only."""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from clues.ledger.models import Clue
from clues.models import ASSIGNMENTS


def sa_table(model: type[Clue]) -> Any:
    return model.__table__  # type: ignore[attr-defined]


class GroupBy(StrEnum):
    none = "none"
    round = "round"
    term = "term"
    recipient = "recipient"


class Figures(BaseModel):
    """One row of figures (for the whole selection, or one round, term or recipient)."""

    key: uuid.UUID | None = Field(
        default=None, title="分组编号", description="轮次、届次或承办部门编号"
    )
    proposed: int = Field(title="提出线索数")
    transferred: int = Field(title="移交线索数")
    accepted: int = Field(title="签收线索数")
    concluded: int = Field(title="办结线索数")
    closed: int = Field(title="销号线索数")
    cases_filed: int = Field(title="立案数")
    persons_sanctioned: int = Field(title="党纪政务处分人数")
    organizational_handlings: int = Field(title="组织处理人次")
    first_form: int
    second_form: int
    third_form: int
    fourth_form: int
    money_recovered_yuan: Decimal = Field(title="挽回经济损失（元）")
    conversion_rate: float | None = Field(
        title="成案率", description="立案数 ÷ 办结线索数；无办结线索时为空"
    )
    avg_days_to_review: float | None = Field(title="平均研判用时（天）", description="提出→研判")
    avg_days_to_transfer: float | None = Field(title="平均移交用时（天）", description="研判→移交")
    avg_days_to_receipt: float | None = Field(title="平均签收用时（天）", description="移交→签收")
    avg_days_to_conclusion: float | None = Field(
        title="平均办理用时（天）", description="签收→办结"
    )


class FiguresReport(BaseModel):
    jurisdiction: str
    group_by: GroupBy
    total: Figures
    rows: list[Figures]


def _days(end: Any, start: Any) -> ColumnElement[Any]:
    return func.avg(func.extract("epoch", end - start) / 86400.0)


def _count(column: Any) -> ColumnElement[Any]:
    return func.count(column)


def _sum(column: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(column), 0)


COLUMNS: list[tuple[str, ColumnElement[Any]]] = [
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


def _row(values: dict[str, Any], key: uuid.UUID | None = None) -> Figures:
    concluded = int(values["concluded"])
    cases = int(values["cases_filed"])
    return Figures(
        key=key,
        **{k: values[k] for k, _ in COLUMNS if not k.startswith("avg_")},
        conversion_rate=round(cases / concluded, 4) if concluded else None,
        **{
            k: (round(float(values[k]), 2) if values[k] is not None else None)
            for k, _ in COLUMNS
            if k.startswith("avg_")
        },
    )


async def figures(
    session: AsyncSession,
    *,
    jurisdiction: str,
    group_by: GroupBy,
    round_id: uuid.UUID | None = None,
    term_id: uuid.UUID | None = None,
    recipient_org_id: uuid.UUID | None = None,
) -> FiguresReport:
    conditions: list[ColumnElement[bool]] = [col(Clue.jurisdiction) == jurisdiction]
    if round_id is not None:
        conditions.append(col(Clue.round_id) == round_id)
    if term_id is not None:
        conditions.append(term_of_clue == term_id)
    if recipient_org_id is not None:
        conditions.append(col(Clue.recipient_org_id) == recipient_org_id)
    labelled = [expr.label(name) for name, expr in COLUMNS]
    total = (
        (await session.execute(select(*labelled).select_from(FROM).where(*conditions)))
        .mappings()
        .one()
    )
    rows: list[Figures] = []
    if group_by != GroupBy.none:
        key = KEYS[group_by]
        result = await session.execute(
            select(key.label("key"), *labelled)
            .select_from(FROM)
            .where(*conditions)
            .group_by(key)
            .order_by(key)
        )
        rows = [_row(dict(r), r["key"]) for r in result.mappings()]
    return FiguresReport(
        jurisdiction=jurisdiction, group_by=group_by, total=_row(dict(total)), rows=rows
    )

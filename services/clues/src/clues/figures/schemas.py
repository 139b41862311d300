"""API schemas of the figures (成绩单): GroupBy / Figures / FiguresReport, counts only."""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field


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

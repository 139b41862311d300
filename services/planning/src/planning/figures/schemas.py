"""Figures API schemas."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field
from xuncha_shared.http import Page
from xuncha_shared.orgs import OrgKind

from planning.figures.facts import FactKind


class FiguresFilter(BaseModel):
    """The slice the figures are for; empty means the whole jurisdiction."""

    term_id: uuid.UUID | None = Field(default=None, title="届次编号")
    year: int | None = Field(default=None, title="年度")
    round_id: uuid.UUID | None = Field(default=None, title="轮次编号")
    org_kind: OrgKind | None = Field(default=None, title="被巡察对象类型")


CLUE_FIGURE = (
    "问题线索类指标，只有巡察办和巡察工作领导小组可见；其他角色为空（null）。"
    "A clue figure: the office and the leadership group only; null for other roles."
)


class FactFigures(BaseModel):
    """The figures counted from other services' events."""

    problems_fed_back: int = Field(title="反馈问题数")
    clues_transferred: int | None = Field(title="移交问题线索数", description=CLUE_FIGURE)
    cases_filed: int | None = Field(title="立案数", description=CLUE_FIGURE)
    persons_sanctioned: int | None = Field(title="党纪政务处分人数", description=CLUE_FIGURE)
    organizational_handlings: int | None = Field(title="组织处理人次", description=CLUE_FIGURE)
    money_recovered_yuan: Decimal | None = Field(
        title="挽回经济损失（元）", description=CLUE_FIGURE
    )
    institutions_built: int = Field(title="建章立制数")
    tasks_total: int = Field(title="整改任务数")
    tasks_accepted: int = Field(title="已验收整改任务数")
    completion_rate: float | None = Field(
        title="整改完成率（%）", description="已验收 / 整改任务总数；无任务时为空"
    )
    livelihood_problems_solved: int = Field(title="解决民生问题数")
    circulars_published: int = Field(title="典型案例通报数")
    typical_cases_published: int = Field(title="通报典型案例数")


class CoverageFigures(BaseModel):
    term_id: uuid.UUID = Field(title="届次编号")
    term_name: str = Field(title="届次")
    orgs_in_scope: int = Field(title="应巡对象数")
    orgs_covered: int = Field(title="已巡对象数")
    coverage_percent: float = Field(title="覆盖率（%）")


class FiguresRead(FactFigures):
    """The office's figures (成绩单) for a slice of its work."""

    filter: FiguresFilter = Field(title="统计范围")
    rounds_held: int = Field(title="已开展轮次", description="已进入反馈及以后阶段的轮次")
    coverage: CoverageFigures | None = Field(
        title="全覆盖进度",
        description="所选届次（或所选轮次所属届次，未选时为最近一届）的覆盖情况",
    )


class BreakdownBy(StrEnum):
    round = "round"
    term = "term"
    year = "year"
    org_kind = "org_kind"


class BreakdownRow(FactFigures):
    key: str = Field(title="分组键", description="轮次编号、届次编号、年度或对象类型")
    label: str = Field(title="分组名称")


class BreakdownRead(BaseModel):
    by: BreakdownBy = Field(title="分组方式")
    filter: FiguresFilter = Field(title="统计范围")
    rows: list[BreakdownRow] = Field(title="各组数据")


class FigureRecord(BaseModel):
    """One record behind a figure; for clue figures only a count per round and org."""

    figure: FactKind = Field(title="指标")
    record_id: uuid.UUID | None = Field(
        title="记录编号", description="问题线索类指标不列出线索，只给出各轮次、各单位的数量"
    )
    link: str | None = Field(title="记录地址")
    round_id: uuid.UUID | None = Field(title="轮次编号")
    round_name: str | None = Field(title="轮次")
    org_id: uuid.UUID | None = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象")
    occurred_on: date | None = Field(title="日期")
    quantity: int = Field(title="数量")
    amount_yuan: Decimal | None = Field(title="金额（元）")


class FigureRecordPage(Page[FigureRecord]):
    """A page of a figure's records, with the figure itself over all pages."""

    quantity_total: int = Field(
        title="数量合计",
        description="全部记录（或各组）数量之和，即该项指标的数值；挽回经济损失的数值见金额合计",
    )
    amount_total_yuan: Decimal | None = Field(title="金额合计（元）")

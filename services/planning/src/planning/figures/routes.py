"""HTTP routes of the office's figures (成绩单)."""

from __future__ import annotations

import io
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from openpyxl import Workbook
from xuncha_shared.db import DbSession
from xuncha_shared.exports import XLSX_RESPONSES, append_row, attachment, workbook
from xuncha_shared.http import CurrentPrincipal, Now, Paging
from xuncha_shared.orgs import OrgKind
from xuncha_shared.workdays import local_day

from planning.figures import service
from planning.figures.facts import CONFIDENTIAL, FACT_LABELS_ZH, FactKind
from planning.figures.schemas import (
    BreakdownBy,
    BreakdownRead,
    FigureRecordPage,
    FiguresFilter,
    FiguresRead,
)

router = APIRouter(prefix="/figures", tags=["figures"])
EXPORT_LIMIT = 20_000


def figures_filter(
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, title="年度")] = None,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    org_kind: Annotated[OrgKind | None, Query(title="被巡察对象类型")] = None,
) -> FiguresFilter:
    return FiguresFilter(term_id=term_id, year=year, round_id=round_id, org_kind=org_kind)


Filter = Annotated[FiguresFilter, Depends(figures_filter)]

FIGURES_DESCRIPTION = (
    "巡察办的成绩单：已开展轮次、应巡与已巡对象及覆盖率、反馈问题、移交问题线索、立案、"
    "党纪政务处分、组织处理、建章立制、挽回经济损失、整改完成率、解决民生问题。"
    "可按届次、年度、轮次、对象类型筛选。由计划服务回答：轮次与覆盖率是本服务的数据，"
    "其余各项由发现、线索、整改服务的事件投影而来（每条记录一行，重复投递不重复计数），"
    "事件到达前的数字会略有滞后。问题线索类指标只给出数量，且只有巡察办和领导小组可见，"
    "其他角色的这些字段为空（知悉范围）。"
)


@router.get("", response_model=FiguresRead, summary="巡察成绩单", description=FIGURES_DESCRIPTION)
async def get_figures(
    session: DbSession, principal: CurrentPrincipal, f: Filter, now: Now
) -> FiguresRead:
    return await service.figures(session, principal=principal, f=f, today=local_day(now))


@router.get(
    "/breakdown",
    response_model=BreakdownRead,
    summary="成绩单分组统计",
    description="按轮次、届次、年度或对象类型分组的各项计数指标。",
)
async def get_breakdown(
    session: DbSession,
    principal: CurrentPrincipal,
    f: Filter,
    by: Annotated[BreakdownBy, Query(title="分组方式")] = BreakdownBy.round,
) -> BreakdownRead:
    return await service.breakdown(session, principal=principal, f=f, by=by)


RECORDS_DESCRIPTION = (
    "打开一项指标到其记录（问题、整改任务、制度），每条带记录地址；quantity_total 为全部记录的"
    "数量之和，即该项指标的数值。问题线索类指标（移交线索、立案、处分、组织处理、挽回损失）只列出"
    "各轮次、各单位的数量，不列出线索，且只对巡察办和领导小组开放（其他角色 403）；"
    "线索详情只能由线索管理人和承办部门在线索服务中查看。"
)


@router.get(
    "/{figure}/records",
    response_model=FigureRecordPage,
    summary="查看指标明细",
    description=RECORDS_DESCRIPTION,
)
async def get_records(
    figure: FactKind,
    session: DbSession,
    principal: CurrentPrincipal,
    f: Filter,
    paging: Paging,
) -> FigureRecordPage:
    return await service.records(
        session, principal=principal, f=f, figure=figure, cursor=paging.cursor, limit=paging.limit
    )


@router.get(
    "/{figure}/records.xlsx",
    summary="导出指标明细",
    description="与查看指标明细相同的筛选和口径，导出为 XLSX（最多 20000 行）；"
    "问题线索类指标只导出各轮次、各单位的数量。",
    response_class=Response,
    responses=XLSX_RESPONSES,
)
async def export_records(
    figure: FactKind, session: DbSession, principal: CurrentPrincipal, f: Filter
) -> Response:
    page = await service.records(
        session, principal=principal, f=f, figure=figure, cursor=None, limit=EXPORT_LIMIT
    )
    # Clue figures have no dates or records to show: the counts per round and org only.
    detail = figure not in CONFIDENTIAL
    headers = ["序号", "轮次", "被巡察对象"]
    headers += ["日期", "记录编号", "记录地址"] if detail else []
    headers += ["数量", "金额（元）"]
    rows: list[list[object]] = []
    for i, r in enumerate(page.items, start=1):
        row: list[object] = [i, r.round_name, r.org_name]
        row += [r.occurred_on, str(r.record_id), r.link] if detail else []
        rows.append([*row, r.quantity, r.amount_yuan])
    blanks: list[object] = [None] * (len(headers) - 3)
    rows.append(["合计", *blanks, page.quantity_total, page.amount_total_yuan])
    label = FACT_LABELS_ZH[figure]
    return attachment(
        workbook(label, headers, rows),
        filename=f"成绩单明细-{label}.xlsx",
        ascii_name=f"figure-{figure.value}.xlsx",
    )


@router.get(
    "/export.xlsx",
    summary="导出成绩单",
    description="成绩单及按轮次、对象类型的分组统计，导出为 XLSX。",
    response_class=Response,
    responses=XLSX_RESPONSES,
)
async def export_figures(
    session: DbSession, principal: CurrentPrincipal, f: Filter, now: Now
) -> Response:
    figures = await service.figures(session, principal=principal, f=f, today=local_day(now))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "成绩单"
    append_row(ws, ["指标", "数值"])
    append_row(ws, ["已开展轮次", figures.rounds_held])
    if figures.coverage is not None:
        append_row(ws, ["届次", figures.coverage.term_name])
        append_row(ws, ["应巡对象数", figures.coverage.orgs_in_scope])
        append_row(ws, ["已巡对象数", figures.coverage.orgs_covered])
        append_row(ws, ["覆盖率（%）", figures.coverage.coverage_percent])
    numbers = figures.model_dump(exclude={"filter", "rounds_held", "coverage"})
    for name, value in numbers.items():
        title = type(figures).model_fields[name].title or name
        append_row(ws, [title, float(value) if value is not None else None])
    for by in (BreakdownBy.round, BreakdownBy.org_kind):
        table = await service.breakdown(session, principal=principal, f=f, by=by)
        sheet = wb.create_sheet("按轮次" if by is BreakdownBy.round else "按对象类型")
        names = list(service.fact_figures({}))
        append_row(sheet, ["分组", *[type(figures).model_fields[n].title for n in names]])
        for row in table.rows:
            values = row.model_dump()
            append_row(sheet, [row.label, *[values[n] for n in names]])
    out = io.BytesIO()
    wb.save(out)
    return attachment(out.getvalue(), filename="巡察成绩单.xlsx", ascii_name="figures.xlsx")

"""HTTP routes: 线索工作数据 Figures (counts only), to those with a need to know (see access)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal
from xuncha_shared.web import ERRORS, XLSX, Column, xlsx_ledger

from clues.figures.access import clue_figures_scope
from clues.figures.schemas import Figures, FiguresReport, GroupBy
from clues.figures.service import NAMES, figures

router = APIRouter(tags=["figures"], responses=ERRORS)

GroupQuery = Annotated[
    GroupBy,
    Query(title="分组", description="none 合计；round 按轮次；term 按届次；recipient 按承办部门"),
]
RoundQuery = Annotated[uuid.UUID | None, Query(title="轮次编号")]
TermQuery = Annotated[uuid.UUID | None, Query(title="届次编号")]
RecipientQuery = Annotated[uuid.UUID | None, Query(title="承办部门编号")]

Grouped = tuple[str, Figures]
"""A workbook row: the group's label (合计 for the total) and its figures."""


def _measure(name: str) -> Callable[[Grouped], Any]:
    return lambda row: getattr(row[1], name)


COLUMNS = [
    Column[Grouped]("分组", lambda row: row[0]),
    *(Column[Grouped](name, _measure(name)) for name in [*NAMES, "conversion_rate"]),
]


@router.get(
    "/figures",
    response_model=FiguresReport,
    summary="线索工作数据",
    description="移交、签收、办结、立案、党纪政务处分、组织处理、四种形态、挽回经济损失、成案率"
    "（立案数 ÷ 办结数）和各环节平均用时（天）；可按轮次、届次或承办部门分组。"
    "只有数量，不含线索内容。巡察办和巡察工作领导小组查看本辖区全部线索的数据；"
    "承办部门（纪委监委、组织部、其他部门及其系统账号）只看到移交给本单位的线索的数据；"
    "其他角色 403（线索是否存在也属知悉范围）。",
)
async def get_figures(
    session: DbSession,
    principal: CurrentPrincipal,
    group_by: GroupQuery = GroupBy.none,
    round_id: RoundQuery = None,
    term_id: TermQuery = None,
    recipient_org_id: RecipientQuery = None,
) -> FiguresReport:
    return await figures(
        session,
        jurisdiction=principal.jurisdiction,
        group_by=group_by,
        round_id=round_id,
        term_id=term_id,
        recipient_org_id=clue_figures_scope(principal, recipient_org_id),
    )


@router.get(
    "/figures.xlsx",
    summary="导出线索工作数据（Excel）",
    response_class=Response,
    responses=XLSX,
)
async def export_figures(
    session: DbSession,
    principal: CurrentPrincipal,
    group_by: GroupQuery = GroupBy.none,
    round_id: RoundQuery = None,
    term_id: TermQuery = None,
    recipient_org_id: RecipientQuery = None,
) -> Response:
    report = await get_figures(session, principal, group_by, round_id, term_id, recipient_org_id)
    rows: list[Grouped] = [("合计", report.total), *((str(r.key), r) for r in report.rows)]
    return xlsx_ledger(
        "线索工作数据", COLUMNS, rows, filename="clue-figures.xlsx", ascii_name="clue-figures.xlsx"
    )

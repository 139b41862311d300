"""HTTP routes: 线索工作数据 Figures, open to every role of the jurisdiction (counts only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from xuncha_shared.db import DbSession
from xuncha_shared.exports import XLSX_MEDIA_TYPE, workbook
from xuncha_shared.http import CurrentPrincipal

from clues.figures.service import COLUMNS, FiguresReport, GroupBy, figures
from clues.ledger.routes import ERRORS

router = APIRouter(tags=["figures"], responses=ERRORS)

GroupQuery = Annotated[
    GroupBy,
    Query(title="分组", description="none 合计；round 按轮次；term 按届次；recipient 按承办部门"),
]
RoundQuery = Annotated[uuid.UUID | None, Query(title="轮次编号")]
TermQuery = Annotated[uuid.UUID | None, Query(title="届次编号")]
RecipientQuery = Annotated[uuid.UUID | None, Query(title="承办部门编号")]


@router.get(
    "/figures",
    response_model=FiguresReport,
    summary="线索工作数据",
    description="移交、签收、办结、立案、党纪政务处分、组织处理、四种形态、挽回经济损失、成案率"
    "（立案数 ÷ 办结数）和各环节平均用时（天）；可按轮次、届次或承办部门分组。"
    "只有数量，不含线索内容，本辖区各角色均可查看。",
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
        recipient_org_id=recipient_org_id,
    )


@router.get(
    "/figures.xlsx",
    summary="导出线索工作数据（Excel）",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "线索工作数据"}},
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
    names = ["key", *(n for n, _ in COLUMNS), "conversion_rate"]
    rows = [report.total, *report.rows]
    content = workbook(
        "线索工作数据",
        ["分组", *(n for n in names[1:])],
        (
            [("合计" if i == 0 else str(r.key)), *(getattr(r, n) for n in names[1:])]
            for i, r in enumerate(rows)
        ),
    )
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": "attachment; filename=clue-figures.xlsx"},
    )

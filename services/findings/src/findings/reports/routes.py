"""HTTP routes: 巡察报告 reports and their review workflow."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from sqlmodel import col
from xuncha_shared.db import DbSession
from xuncha_shared.documents import DOCX_MEDIA_TYPE
from xuncha_shared.events.findings import ReportKind
from xuncha_shared.exports import attachment
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, Paging, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import ERRORS, TIME_ID, VERSIONED, conflict, versioned

from findings.reports import repository, service
from findings.reports.models import Report
from findings.reports.schemas import (
    ReportCreate,
    ReportPage,
    ReportRead,
    ReportStatus,
    ReportUpdate,
    ReviewWrite,
)

router = APIRouter(tags=["reports"], responses=ERRORS)
ReportId = Annotated[uuid.UUID, Path(title="报告编号")]


async def _one(session: DbSession, report: Report, response: Response) -> ReportRead:
    (result,) = await service.reads(session, [report])
    return versioned(response, result)


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportRead,
    summary="起草巡察报告",
    description="巡察组起草本组任务的巡察报告（kind=assignment，一村一报告），或本组所巡乡镇连同其村的综合报告"
    "（kind=comprehensive，round_id + "
    "township_org_id）。正文分基本情况、领导班子画像、主要问题、典型案例、"
    "问题成因、意见建议。可带 Idempotency-Key。",
    responses=conflict("状态不允许"),
)
async def create_report(
    body: ReportCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    response: Response,
) -> ReportRead:
    report = await service.create_report(session, data=body, actor=principal, now=now)
    result = await _one(session, report, response)
    await idempotent.remember(result, status_code=201)
    return result


@router.get(
    "/reports",
    response_model=ReportPage,
    summary="巡察报告列表",
    description="巡察办、领导小组、纪委监委、组织部看本辖区的；巡察组看本组的。",
)
async def list_reports(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    status_: Annotated[ReportStatus | None, Query(alias="status", title="状态")] = None,
    kind: Annotated[ReportKind | None, Query(title="报告类型")] = None,
) -> ReportPage:
    conditions = [repository.visibility(principal)]
    if round_id is not None:
        conditions.append(col(Report.round_id) == round_id)
    if status_ is not None:
        conditions.append(col(Report.status) == status_.value)
    if kind is not None:
        conditions.append(col(Report.kind) == kind.value)
    total = await repository.count(session, conditions)
    rows = await repository.page(
        session, conditions, after=TIME_ID.decode(paging.cursor), limit=paging.limit + 1
    )
    page, next_cursor = split_page(
        rows, paging.limit, lambda r: [r.created_at.isoformat(), str(r.id)]
    )
    return ReportPage(
        items=await service.reads(session, page), next_cursor=next_cursor, total=total
    )


@router.get("/reports/{report_id}", response_model=ReportRead, summary="查看巡察报告")
async def get_report(
    report_id: ReportId, session: DbSession, principal: CurrentPrincipal, response: Response
) -> ReportRead:
    return await _one(
        session, await service.get_report(session, report_id=report_id, actor=principal), response
    )


@router.patch(
    "/reports/{report_id}",
    response_model=ReportRead,
    summary="修改巡察报告",
    description="本组成员在起草或退回状态下修改（须带 If-Match）。",
    responses=conflict("状态不允许（如已反馈）") | VERSIONED,
)
async def update_report(
    report_id: ReportId,
    body: ReportUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ReportRead:
    report = await service.get_report(
        session, report_id=report_id, actor=principal, for_update=True
    )
    report = await service.update_report(
        session, report=report, data=body, expected_version=expected, actor=principal, now=now
    )
    return await _one(session, report, response)


@router.post(
    "/reports/{report_id}/submit",
    response_model=ReportRead,
    summary="提交纪委审核",
    description="本组成员提交；发布“巡察报告已提交审核”事件。",
    responses=conflict("状态不允许"),
)
async def submit_report(
    report_id: ReportId,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ReportRead:
    report = await service.get_report(
        session, report_id=report_id, actor=principal, for_update=True
    )
    return await _one(
        session, await service.submit(session, report=report, actor=principal, now=now), response
    )


@router.post(
    "/reports/{report_id}/review",
    response_model=ReportRead,
    summary="纪委审核",
    description="纪委监委审核：通过（pass）或退回修改（return，须写意见）；每次审核记入 reviews。",
    responses=conflict("状态不允许"),
)
async def review_report(
    report_id: ReportId,
    body: ReviewWrite,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ReportRead:
    report = await service.get_report(
        session, report_id=report_id, actor=principal, for_update=True
    )
    report = await service.review(session, report=report, data=body, actor=principal, now=now)
    return await _one(session, report, response)


@router.post(
    "/reports/{report_id}/approve",
    response_model=ReportRead,
    summary="书记专题会审定",
    description="领导小组审定纪委已通过的报告；发布“巡察报告已审定”事件，之后可反馈。",
    responses=conflict("状态不允许"),
)
async def approve_report(
    report_id: ReportId,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ReportRead:
    report = await service.get_report(
        session, report_id=report_id, actor=principal, for_update=True
    )
    return await _one(
        session, await service.approve(session, report=report, actor=principal, now=now), response
    )


@router.get(
    "/reports/{report_id}/docx",
    summary="导出巡察报告（Word）",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "Word 文件"}},
)
async def export_report(
    report_id: ReportId, session: DbSession, principal: CurrentPrincipal
) -> Response:
    report = await service.get_report(session, report_id=report_id, actor=principal)
    content = await service.render_docx(session, report)
    return attachment(
        content,
        media_type=DOCX_MEDIA_TYPE,
        ascii_name="report.docx",
        filename=f"{report.title}.docx",
    )

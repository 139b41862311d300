"""HTTP routes: 巡察公告 and 群众来信来电来访. The ``/public/...`` routes need no sign-in."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from sqlalchemy import ColumnElement
from sqlmodel import col
from xuncha_shared.db import DbSession
from xuncha_shared.events.findings import PublicReportChannel, TriageOutcome
from xuncha_shared.exports import XLSX_MEDIA_TYPE, attachment, workbook
from xuncha_shared.http import (
    CurrentPrincipal,
    Now,
    OptionalExpectedVersion,
    Paging,
    split_page,
)
from xuncha_shared.problems import ProblemDetail
from xuncha_shared.trusted_proxies import client_address
from xuncha_shared.web import ERRORS, TIME_ID, VERSIONED, XLSX, conflict, versioned

from findings.config import FindingsSettings
from findings.problems import service as problem_service
from findings.public_reports import repository, service, triage
from findings.public_reports.intake import limiter_of, read_json, request_body_doc
from findings.public_reports.models import PublicReport
from findings.public_reports.schemas import (
    AnnouncementRead,
    AnnouncementWrite,
    PublicReportPage,
    PublicReportRead,
    PublicStatus,
    PublicStatusRead,
    PublicSubmission,
    Receipt,
    ReplyWrite,
    StaffEntry,
    StatusQuery,
    TriageWrite,
)

router = APIRouter(tags=["public-reports"], responses=ERRORS)
RoundId = Annotated[uuid.UUID, Path(title="轮次编号")]
ReportId = Annotated[uuid.UUID, Path(title="信访举报编号")]
PUBLIC_ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ProblemDetail, "description": "轮次或查询码不存在"},
    409: {"model": ProblemDetail, "description": "不在进驻期间"},
    413: {"model": ProblemDetail, "description": "内容过大"},
    422: {"model": ProblemDetail, "description": "输入有误"},
    429: {"model": ProblemDetail, "description": "过于频繁（见 Retry-After）"},
}


def _settings(request: Request) -> FindingsSettings:
    settings: FindingsSettings = request.app.state.runtime.settings
    return settings


def limited(scope: str) -> Any:
    def check(request: Request) -> None:
        limiter_of(request).hit(scope, client_address(request))

    return Depends(check)


@router.get(
    "/public/rounds/{round_id}/announcement",
    response_model=AnnouncementRead,
    summary="巡察公告（公开）",
    description="无需登录。本轮巡察的举报电话、信箱、来访地址、网上平台和进驻时间，"
    "各巡察组及其巡察的单位。ETag 为公告的版本，修改时作为 If-Match 带回。",
    responses={404: PUBLIC_ERRORS[404]},
)
async def public_announcement(
    round_id: RoundId, session: DbSession, response: Response
) -> AnnouncementRead:
    result = await service.get_announcement(session, round_id)
    return versioned(response, result)


@router.put(
    "/rounds/{round_id}/announcement",
    response_model=AnnouncementRead,
    summary="发布巡察公告",
    description="巡察办或本轮巡察组成员发布或修改公告。首次发布不带 If-Match；修改已发布的"
    "公告须带上次读取的 ETag 作为 If-Match（缺少则 428），其间被他人修改则返回 412。",
    responses={412: VERSIONED[412]},
)
async def put_announcement(
    round_id: RoundId,
    body: AnnouncementWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> AnnouncementRead:
    result, _ = await service.put_announcement(
        session,
        round_id=round_id,
        data=body,
        expected_version=expected,
        actor=principal,
        now=now,
    )
    return versioned(response, result)


@router.post(
    "/public/rounds/{round_id}/reports",
    status_code=status.HTTP_201_CREATED,
    response_model=Receipt,
    summary="网上举报（公开）",
    description="无需登录，只在巡察组进驻期间受理。每个来源地址限频（超出返回 "
    "429 和 Retry-After），"
    "内容大小有上限（413）。返回查询码，只显示这一次；凭查询码只能查到办理状态。",
    responses=PUBLIC_ERRORS,
    openapi_extra=request_body_doc(PublicSubmission),
    dependencies=[limited("submit")],
)
async def submit_public_report(
    round_id: RoundId, request: Request, session: DbSession, now: Now
) -> Receipt:
    data: PublicSubmission = await read_json(
        request, PublicSubmission, max_bytes=_settings(request).public_max_body_bytes
    )
    report, code = await service.receive(
        session,
        round_id=round_id,
        channel=PublicReportChannel.online,
        content=data.content,
        org_id=data.org_id,
        contact=data.contact,
        entered_by=None,
        now=now,
    )
    return Receipt(receipt_code=code, received_at=report.received_at)


@router.post(
    "/public/report-status",
    response_model=PublicStatusRead,
    summary="凭查询码查询办理状态（公开）",
    description="无需登录；只返回状态：已受理、办理中、已办结。限频。",
    responses=PUBLIC_ERRORS,
    openapi_extra=request_body_doc(StatusQuery),
    dependencies=[limited("status")],
)
async def public_status(request: Request, session: DbSession) -> PublicStatusRead:
    data: StatusQuery = await read_json(request, StatusQuery, max_bytes=1024)
    return PublicStatusRead(status=await service.status_by_receipt(session, data.receipt_code))


@router.post(
    "/public-reports",
    status_code=status.HTTP_201_CREATED,
    response_model=Receipt,
    summary="登记来信来电来访",
    description="巡察办或本轮巡察组成员登记来信、来电、来访、信箱收到的举报（进驻期间）；返回查询码供告知反映人。",
    responses=conflict("状态不允许"),
)
async def enter_report(
    body: StaffEntry, session: DbSession, principal: CurrentPrincipal, now: Now
) -> Receipt:
    report, code = await service.enter(session, data=body, actor=principal, now=now)
    return Receipt(receipt_code=code, received_at=report.received_at)


def _filters(
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    status_: Annotated[PublicStatus | None, Query(alias="status", title="办理状态")] = None,
    outcome: Annotated[TriageOutcome | None, Query(title="分办结果")] = None,
) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if round_id is not None:
        out.append(col(PublicReport.round_id) == round_id)
    if status_ is not None:
        out.append(col(PublicReport.status) == status_.value)
    if outcome is not None:
        out.append(col(PublicReport.outcome) == outcome.value)
    return out


@router.get(
    "/public-reports",
    response_model=PublicReportPage,
    summary="信访举报台账",
    description="巡察办、领导小组、纪委监委看本辖区的；巡察组成员看本轮的；部门看转办给本单位的。",
)
async def list_public_reports(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    now: Now,
    filters: Annotated[list[ColumnElement[bool]], Depends(_filters)],
) -> PublicReportPage:
    conditions = [repository.visibility(principal), *filters]
    total = await repository.count(session, conditions)
    rows = await repository.page(
        session, conditions, after=TIME_ID.decode(paging.cursor), limit=paging.limit + 1
    )
    page, next_cursor = split_page(
        rows, paging.limit, lambda r: [r.received_at.isoformat(), str(r.id)]
    )
    return PublicReportPage(
        items=await service.reads(session, page, now=now, viewer=principal),
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    "/public-reports.xlsx",
    summary="导出信访举报台账（Excel）",
    response_class=Response,
    responses=XLSX,
)
async def export_reports(
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    filters: Annotated[list[ColumnElement[bool]], Depends(_filters)],
) -> Response:
    rows = await repository.ledger(
        session, [repository.visibility(principal), *filters], limit=20_000
    )
    items = await service.reads(session, rows, now=now, viewer=principal)
    status_zh = {"received": "已受理", "handling": "办理中", "closed": "已办结"}
    outcome_zh = {
        "problem": "转为问题",
        "clue": "作为线索",
        "forwarded": "转办",
        "no_action": "不予处理",
    }
    content = workbook(
        "信访举报台账",
        (
            "序号",
            "编号",
            "渠道",
            "受理时间",
            "反映内容",
            "状态",
            "分办结果",
            "转办部门",
            "回复期限",
            "回复时间",
            "是否逾期",
        ),
        (
            (
                i,
                str(r.id),
                r.channel.value,
                r.received_at,
                r.content or "（已移交线索服务）",
                status_zh[r.status.value],
                outcome_zh.get(r.outcome.value, "") if r.outcome else "",
                str(r.forwarded_to_org_id or ""),
                r.reply_due_on,
                r.replied_at,
                "是" if r.reply_overdue else "否",
            )
            for i, r in enumerate(items, start=1)
        ),
    )
    return attachment(
        content,
        media_type=XLSX_MEDIA_TYPE,
        ascii_name="public-reports.xlsx",
        filename="信访举报台账.xlsx",
    )


@router.get("/public-reports/{report_id}", response_model=PublicReportRead, summary="查看信访举报")
async def get_public_report(
    report_id: ReportId, session: DbSession, principal: CurrentPrincipal, now: Now
) -> PublicReportRead:
    report = await service.get_report(session, report_id=report_id, actor=principal)
    (result,) = await service.reads(session, [report], now=now, viewer=principal)
    return result


@router.post(
    "/public-reports/{report_id}/triage",
    response_model=PublicReportRead,
    summary="分办信访举报",
    description="巡察组（或巡察办）分办一次：转为问题（problem：本组任务、"
    "类别）；作为线索（clue：先调用线索服务 "
    "POST /api/clues/clues 提出线索并引用本举报，"
    "再把返回的 clue_id 填此处，本服务随即清除举报内容）；"
    "转办部门（forwarded：限期回复，工作日）；不予处理（no_action：须说明理由）。",
    responses=conflict("状态不允许"),
)
async def triage_report(
    report_id: ReportId,
    body: TriageWrite,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> PublicReportRead:
    report = await service.get_report(
        session, report_id=report_id, actor=principal, for_update=True
    )
    problem = await triage.check(session, report=report, data=body, actor=principal)
    problem_id = None
    if problem is not None:
        assignment_id, fields = problem
        (recorded,) = await problem_service.record_problems(
            session,
            assignment_id=assignment_id,
            items=[fields],
            actor=principal,
            now=now,
            source_report_id=report.id,
        )
        problem_id = recorded.id
    report = await triage.decide(
        session, report=report, data=body, problem_id=problem_id, actor=principal, now=now
    )
    (result,) = await service.reads(session, [report], now=now, viewer=principal)
    return result


@router.post(
    "/public-reports/{report_id}/reply",
    response_model=PublicReportRead,
    summary="转办回复",
    description="承办部门（令牌 org 为转办部门）记录办理回复；只能回复一次。",
    responses=conflict("状态不允许"),
)
async def reply_report(
    report_id: ReportId, body: ReplyWrite, session: DbSession, principal: CurrentPrincipal, now: Now
) -> PublicReportRead:
    report = await service.get_report(
        session, report_id=report_id, actor=principal, for_update=True
    )
    report = await service.reply(session, report=report, data=body, actor=principal, now=now)
    (result,) = await service.reads(session, [report], now=now, viewer=principal)
    return result

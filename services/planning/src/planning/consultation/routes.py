"""HTTP routes: 巡前函询 Pre-inspection consultation. Thin; authorization per record."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.db import DbSession
from xuncha_shared.events.planning import ConsultationSeverity
from xuncha_shared.http import (
    CurrentPrincipal,
    ExpectedVersion,
    Now,
    OptionalExpectedVersion,
    Paging,
    encode_cursor,
    split_page,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import ProblemDetail
from xuncha_shared.web import created, saved, versioned
from xuncha_shared.web.responses import ERRORS, VERSIONED, conflict

from planning.consultation import priorities, repository, service, settings, views
from planning.consultation.access import access_for
from planning.consultation.answers import routes as answers_routes
from planning.consultation.cursors import consultation_key, priority_key
from planning.consultation.models import Consultation
from planning.consultation.repository import ConsultationFilter
from planning.consultation.schemas import (
    ConsultationCreate,
    ConsultationPage,
    ConsultationRead,
    ConsultationSettingsRead,
    ConsultationSettingsWrite,
    ConsultationStatus,
    ConsultationUpdate,
    PriorityPage,
)

# A versioned write of a consultation: 409 when it is closed or its state forbids the change.
WRITE_RESPONSES = conflict("函询已办结或状态不允许") | VERSIONED

router = APIRouter(tags=["consultation"], responses=ERRORS)

ConsultationId = Annotated[uuid.UUID, Path(title="函询编号")]


def _office(principal: Principal, what_zh: str, what_en: str) -> Principal:
    return service.office_of(principal, what_zh, what_en)


@router.get(
    "/consultation-settings",
    response_model=ConsultationSettingsRead,
    summary="查看函询期限设置",
    description="本辖区巡前函询的默认答复期限（工作日）和提前提醒天数；未设置时为系统默认值"
    "（5 个工作日，截止前 1 个工作日提醒）。",
)
async def get_settings(
    session: DbSession, principal: CurrentPrincipal, response: Response
) -> ConsultationSettingsRead:
    access_for(principal)
    result = await settings.effective_settings(session, principal.jurisdiction)
    return versioned(response, result)


@router.put(
    "/consultation-settings",
    response_model=ConsultationSettingsRead,
    summary="设置函询期限",
    description="巡察办设置本辖区的默认答复期限和提前提醒天数。首次设置不带 If-Match（返回 201），"
    "修改须带 If-Match。只影响此后发出的函询。",
    responses={
        201: {"model": ConsultationSettingsRead, "description": "已设置"},
        **WRITE_RESPONSES,
    },
)
async def put_settings(
    body: ConsultationSettingsWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ConsultationSettingsRead:
    actor = _office(principal, "设置函询期限", "change the consultation settings")
    result, created = await settings.save_settings(
        session, data=body, expected_version=expected, actor=actor, now=now
    )
    return saved(response, result, created=created)


@router.post(
    "/consultations",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsultationRead,
    summary="发出巡前函询",
    description="巡察办就一轮巡察的被巡察对象向一个部门（纪委监委、组织部、审计局、信访局、公安局等）"
    "函询。不列对象时为本轮已分配的全部对象；答复期限按本辖区节假日安排计算工作日，"
    "截止日当天结束（北京时间）为止。可带 Idempotency-Key。",
    responses={409: {"model": ProblemDetail, "description": "已函询过或轮次阶段不允许"}},
)
async def create_consultation(
    body: ConsultationCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> ConsultationRead:
    actor = _office(principal, "发出巡前函询", "send consultations")
    consultation = await service.request_consultation(session, data=body, actor=actor, now=now)
    location = f"{request.url.path}/{consultation.id}"
    (result,) = await views.reads(session, [consultation], now=now)
    return await created(response, idempotent, result, location=location)


@router.get(
    "/consultations",
    response_model=ConsultationPage,
    summary="查询巡前函询",
    description="巡察办和领导小组看本辖区全部；部门看发给本单位的；巡察组成员看所在轮次的。"
    "按发函时间倒序，游标分页。",
)
async def list_consultations(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    now: Now,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    department_org_id: Annotated[uuid.UUID | None, Query(title="被函询部门编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="涉及的被巡察对象编号")] = None,
    status_: Annotated[list[ConsultationStatus] | None, Query(alias="status", title="状态")] = None,
    overdue: Annotated[bool | None, Query(title="是否逾期")] = None,
) -> ConsultationPage:
    access = access_for(principal)
    rows, total = await repository.list_consultations(
        session,
        access=access,
        where=ConsultationFilter(
            round_id=round_id,
            department_org_id=department_org_id,
            org_id=org_id,
            statuses=[s.value for s in status_ or []],
            overdue=overdue,
        ),
        now=now,
        after=consultation_key(paging.cursor),
        limit=paging.limit + 1,
    )
    rows, next_cursor = split_page(rows, paging.limit, lambda c: [c.sent_at.isoformat(), str(c.id)])
    return ConsultationPage(
        items=await views.reads(session, rows, now=now),
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    "/consultations/{consultation_id}",
    response_model=ConsultationRead,
    summary="查看巡前函询",
    description="函询的对象、期限和答复进度。答复内容见“答复”接口。",
)
async def get_consultation(
    consultation_id: ConsultationId,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ConsultationRead:
    consultation = await service.get_consultation_for(
        session, consultation_id=consultation_id, access=access_for(principal)
    )
    return await _answered(session, consultation, now, response)


@router.patch(
    "/consultations/{consultation_id}",
    response_model=ConsultationRead,
    summary="延期或修改函询说明",
    description="巡察办把答复截止日期延后到某个工作日（重新计算提醒，逾期提醒可再发一次），"
    "或修改函询说明。须带 If-Match。",
    responses=WRITE_RESPONSES,
)
async def update_consultation(
    consultation_id: ConsultationId,
    body: ConsultationUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ConsultationRead:
    actor = _office(principal, "修改巡前函询", "change consultations")
    consultation = await _locked(session, consultation_id, actor)
    consultation = await service.update_consultation(
        session,
        consultation=consultation,
        data=body,
        expected_version=expected,
        actor=actor,
        now=now,
    )
    return await _answered(session, consultation, now, response)


@router.post(
    "/consultations/{consultation_id}/close",
    response_model=ConsultationRead,
    summary="办结巡前函询",
    description="巡察办办结函询：答复不再接受更正，也不再提醒；未答复的对象随事件列出。"
    "须带 If-Match。",
    responses=WRITE_RESPONSES,
)
async def close_consultation(
    consultation_id: ConsultationId,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ConsultationRead:
    actor = _office(principal, "办结巡前函询", "close consultations")
    consultation = await _locked(session, consultation_id, actor)
    consultation = await service.close_consultation(
        session, consultation=consultation, expected_version=expected, actor=actor, now=now
    )
    return await _answered(session, consultation, now, response)


@router.post(
    "/consultations/{consultation_id}/chase",
    response_model=ConsultationRead,
    summary="催办巡前函询",
    description="巡察办催办被函询部门尚未答复的对象（到期前后均可）；每次催办发出一条"
    "“巡前函询催办”事件，由消息服务通知该部门。已办结或已全部答复时拒绝（409）。须带 If-Match。",
    responses=WRITE_RESPONSES,
)
async def chase_consultation(
    consultation_id: ConsultationId,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> ConsultationRead:
    actor = _office(principal, "催办巡前函询", "chase consultations")
    consultation = await _locked(session, consultation_id, actor)
    consultation = await service.chase_consultation(
        session, consultation=consultation, expected_version=expected, now=now
    )
    return await _answered(session, consultation, now, response)


async def _locked(
    session: AsyncSession, consultation_id: uuid.UUID, actor: Principal
) -> Consultation:
    """The consultation an office move changes, locked for it."""
    return await service.get_consultation_for(
        session, consultation_id=consultation_id, access=access_for(actor), for_update=True
    )


async def _answered(
    session: AsyncSession, consultation: Consultation, now: datetime, response: Response
) -> ConsultationRead:
    """The consultation as read or changed, with its version as the ETag."""
    (result,) = await views.reads(session, [consultation], now=now)
    return versioned(response, result)


@router.get(
    "/terms/{term_id}/priorities",
    response_model=PriorityPage,
    summary="优先巡察名单",
    description="本届各轮巡前函询中被部门答复为“问题突出”（或含“一般问题”）的党组织，"
    "按问题突出的答复数排序，并标明本届是否已安排巡察（对问题突出的党组织优先安排巡察）。"
    "仅巡察办和领导小组可看。",
)
async def list_priorities(
    term_id: Annotated[uuid.UUID, Path(title="届编号")],
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    min_severity: Annotated[
        Literal["serious", "minor"],
        Query(title="最低问题程度", description="serious：仅问题突出；minor：含一般问题"),
    ] = "serious",
    awaiting: Annotated[
        bool | None, Query(title="是否尚未安排巡察", description="true 只看本届尚未安排的")
    ] = None,
) -> PriorityPage:
    term = await priorities.term_for(session, term_id=term_id, actor=principal)
    items, last, total = await priorities.list_priorities(
        session,
        term=term,
        min_severity=ConsultationSeverity(min_severity),
        awaiting=awaiting,
        after=priority_key(paging.cursor),
        limit=paging.limit,
    )
    return PriorityPage(
        items=items, next_cursor=encode_cursor(list(last)) if last else None, total=total
    )


router.include_router(answers_routes.router)

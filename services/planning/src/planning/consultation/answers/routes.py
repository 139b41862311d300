"""HTTP routes: the departments' answers (函询答复) and who reads them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from xuncha_shared.db import DbSession
from xuncha_shared.events.planning import ConsultationSeverity
from xuncha_shared.http import (
    CurrentPrincipal,
    Now,
    OptionalExpectedVersion,
    PageParams,
    Paging,
    split_page,
)
from xuncha_shared.problems import ProblemDetail
from xuncha_shared.web import saved, versioned

from planning.consultation import service as consultation_service
from planning.consultation.access import Access, access_for
from planning.consultation.answers import repository as answers_repository
from planning.consultation.answers import service
from planning.consultation.answers.repository import AnswerFilter
from planning.consultation.cursors import answer_key
from planning.consultation.schemas import AnswerPage, AnswerRead, AnswerWrite

router = APIRouter(tags=["consultation"])

ConsultationId = Annotated[uuid.UUID, Path(title="函询编号")]
OrgId = Annotated[uuid.UUID, Path(title="被巡察对象编号")]
Severity = Annotated[list[ConsultationSeverity] | None, Query(title="问题程度")]
Answered = Annotated[bool | None, Query(title="是否已答复")]


async def _page(
    session: DbSession, access: Access, where: AnswerFilter, paging: PageParams
) -> AnswerPage:
    rows, total = await answers_repository.list_answers(
        session, access=access, where=where, after=answer_key(paging.cursor), limit=paging.limit + 1
    )
    rows, next_cursor = split_page(rows, paging.limit, lambda r: [r[2].code, str(r[1].id)])
    return AnswerPage(
        items=[service.row_read(r) for r in rows],
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    "/consultation-answers",
    response_model=AnswerPage,
    summary="查询函询答复",
    description="跨函询按轮次、被巡察对象、部门、问题程度查询答复。巡察组成员只看到本组被分配对象的答复，"
    "部门只看到本单位的答复，巡察办和领导小组看本辖区全部；被巡察党组织不可看。按对象编码排序。",
)
async def list_all_answers(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    department_org_id: Annotated[uuid.UUID | None, Query(title="被函询部门编号")] = None,
    severity: Severity = None,
    answered: Answered = None,
) -> AnswerPage:
    where = AnswerFilter(
        round_id=round_id,
        org_id=org_id,
        department_org_id=department_org_id,
        severities=[s.value for s in severity or []],
        answered=answered,
    )
    return await _page(session, access_for(principal), where, paging)


@router.get(
    "/consultations/{consultation_id}/answers",
    response_model=AnswerPage,
    summary="查看一次函询的答复",
    description="本次函询各对象及其答复（未答复的也列出，answered 为假）。"
    "巡察组成员只看到本组对象。",
)
async def list_answers(
    consultation_id: ConsultationId,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    severity: Severity = None,
    answered: Answered = None,
) -> AnswerPage:
    access = access_for(principal)
    await consultation_service.get_consultation_for(
        session, consultation_id=consultation_id, access=access
    )
    where = AnswerFilter(
        consultation_id=consultation_id,
        severities=[s.value for s in severity or []],
        answered=answered,
    )
    return await _page(session, access, where, paging)


@router.get(
    "/consultations/{consultation_id}/answers/{org_id}",
    response_model=AnswerRead,
    summary="查看对一个对象的答复",
    description='ETag 为答复版本（未答复时为 "0"），更正答复时作为 If-Match。',
)
async def get_answer(
    consultation_id: ConsultationId,
    org_id: OrgId,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> AnswerRead:
    result = await service.get_answer_for(
        session, consultation_id=consultation_id, org_id=org_id, access=access_for(principal)
    )
    return versioned(response, result)


@router.put(
    "/consultations/{consultation_id}/answers/{org_id}",
    response_model=AnswerRead,
    summary="答复或更正对一个对象的函询",
    description="被函询部门（系统服务账号或本单位人员）就一个对象答复问题程度、情况说明、"
    "信访举报和问题线索件数；巡察办可代录书面或会议通报的答复。首次答复返回 201；"
    "更正须带 If-Match（该答复的 ETag），返回 200；函询办结后不能再答复（409）。",
    responses={
        201: {"model": AnswerRead, "description": "已答复"},
        409: {"model": ProblemDetail, "description": "函询已办结"},
        412: {"model": ProblemDetail, "description": "答复已被更正过"},
        428: {"model": ProblemDetail, "description": "更正缺少 If-Match"},
    },
)
async def put_answer(
    consultation_id: ConsultationId,
    org_id: OrgId,
    body: AnswerWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> AnswerRead:
    result, first = await service.answer(
        session,
        consultation_id=consultation_id,
        org_id=org_id,
        data=body,
        expected_version=expected,
        access=access_for(principal),
        actor=principal,
        now=now,
    )
    return saved(response, result, created=first)

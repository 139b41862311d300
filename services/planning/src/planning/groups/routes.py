"""HTTP routes: 巡察组及其成员 (groups and their members).

Refusals for avoidance are answered, not raised: the route returns the 422 itself so the
request's transaction commits the checks that led to it (``AvoidanceRefused``).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse
from xuncha_shared.db import DbSession
from xuncha_shared.http import (
    CurrentPrincipal,
    Now,
    Paging,
    decode_cursor,
    split_page,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import created, versioned
from xuncha_shared.web.responses import problem_responses

from planning.groups import repository, service
from planning.groups.schemas import (
    CandidateRead,
    GroupCreate,
    GroupPage,
    GroupRead,
    MemberIn,
    MemberRoleUpdate,
)
from planning.groups.screening import REFUSAL, AvoidanceRefused, refusal_response
from planning.pool import access
from planning.pool.access import Hierarchy
from planning.pool.domain import Specialty

router = APIRouter(tags=["pool"], responses=problem_responses(401, 403, 422))

RoundId = Annotated[uuid.UUID, Path(title="轮次编号")]
GroupId = Annotated[uuid.UUID, Path(title="巡察组编号")]
CadreId = Annotated[uuid.UUID, Path(title="人才库人员编号")]


async def _group_read(
    session: DbSession, group_id: uuid.UUID, principal: CurrentPrincipal
) -> GroupRead:
    round_, group = await access.group_to_read(session, group_id, principal)
    (result,) = await service.read_groups(session, round_, [group])
    return result


@router.post(
    "/rounds/{round_id}/groups",
    status_code=status.HTTP_201_CREATED,
    response_model=GroupRead,
    responses=REFUSAL,
    summary="组建巡察组",
    description="从人才库抽调组长（一名）、副组长和组员组建本轮巡察组；一人一轮只能参加一个组（409）。"
    "交叉巡察组填 source_jurisdiction，从所辖县（区）的人才库抽调。提级巡察由上级党委巡察办组建。",
)
async def form_group(
    round_id: RoundId,
    body: GroupCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
    hierarchy: Hierarchy,
) -> GroupRead:
    group = await service.form_group(
        session, round_id=round_id, data=body, actor=principal, now=now, hierarchy=hierarchy
    )
    location = f"{request.url.path.rsplit('/rounds/', 1)[0]}/groups/{group.id}"
    return await created(
        response, idempotent, await _group_read(session, group.id, principal), location=location
    )


@router.get(
    "/rounds/{round_id}/groups",
    response_model=GroupPage,
    summary="查看本轮巡察组",
    description="按组名排序，游标分页。",
)
async def list_groups(
    round_id: RoundId, session: DbSession, principal: CurrentPrincipal, paging: Paging
) -> GroupPage:
    round_ = await access.round_to_read(session, round_id, principal)
    after = decode_cursor(paging.cursor, arity=1)
    groups, total = await repository.list_groups(
        session,
        round_id=round_.id,
        after_name=str(after[0]) if after else None,
        limit=paging.limit + 1,
    )
    groups, next_cursor = split_page(groups, paging.limit, lambda g: [g.name])
    return GroupPage(
        items=await service.read_groups(session, round_, groups),
        next_cursor=next_cursor,
        total=total,
    )


@router.get("/groups/{group_id}", response_model=GroupRead, summary="查看巡察组")
async def get_group(
    group_id: GroupId, session: DbSession, principal: CurrentPrincipal, response: Response
) -> GroupRead:
    result = await _group_read(session, group_id, principal)
    return versioned(response, result)


@router.post(
    "/groups/{group_id}/members",
    response_model=GroupRead,
    responses=REFUSAL,
    summary="增加组员",
    description="先对新组员与本组已分配的全部对象做回避审查（结果均留存）；有回避情形时拒绝（422）"
    "并列出理由和可替换人员。任命为组长时，原组长改为组员。",
)
async def add_member(
    group_id: GroupId,
    body: MemberIn,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    request: Request,
) -> GroupRead | JSONResponse:
    try:
        await service.add_member(session, group_id=group_id, data=body, actor=principal, now=now)
    except AvoidanceRefused as refusal:
        return refusal_response(request, refusal)
    return await _group_read(session, group_id, principal)


@router.patch(
    "/groups/{group_id}/members/{cadre_id}",
    response_model=GroupRead,
    responses=REFUSAL,
    summary="调整组内职务",
    description="任命新组长时原组长改为组员；组长本人不能直接降职。",
)
async def change_member_role(
    group_id: GroupId,
    cadre_id: CadreId,
    body: MemberRoleUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> GroupRead:
    await service.change_role(
        session, group_id=group_id, cadre_id=cadre_id, role=body.role, actor=principal, now=now
    )
    return await _group_read(session, group_id, principal)


@router.delete(
    "/groups/{group_id}/members/{cadre_id}",
    response_model=GroupRead,
    responses=REFUSAL,
    summary="移出组员",
    description="组长不能移出，须先任命新组长。",
)
async def remove_member(
    group_id: GroupId,
    cadre_id: CadreId,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> GroupRead:
    await service.remove_member(
        session, group_id=group_id, cadre_id=cadre_id, actor=principal, now=now
    )
    return await _group_read(session, group_id, principal)


@router.get(
    "/groups/{group_id}/candidates",
    response_model=list[CandidateRead],
    summary="推荐可抽调人员",
    description="该组人才库中可抽调、本轮未入组、与本组全部巡察对象均无回避情形的人员，"
    "按与所需专业领域的匹配程度排序，返回前 limit 名（排名建议，不分页）。",
)
async def group_candidates(
    group_id: GroupId,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    specialty: Annotated[list[Specialty] | None, Query(title="所需专业领域")] = None,
    limit: Annotated[int, Query(ge=1, le=50, title="人数")] = 10,
) -> list[CandidateRead]:
    return await service.candidates(
        session,
        group_id=group_id,
        specialties=[s.value for s in specialty or []],
        actor=principal,
        now=now,
        limit=limit,
    )

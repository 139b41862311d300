"""HTTP routes: 巡察任务与回避审查记录 (assignments, a member's own tasks, avoidance checks).

A refusal for avoidance is answered, not raised, so the checks that led to it are
committed with the request (see ``groups.screening.refusal_response``).
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
    encode_cursor,
    split_page,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.orgs import OrgKind
from xuncha_shared.web import created
from xuncha_shared.web.cursors import CODE_ID, TIME_ID
from xuncha_shared.web.responses import problem_responses

from planning.assignments import repository, service
from planning.assignments.schemas import (
    AssignmentCreate,
    AssignmentPage,
    AssignmentRead,
    MyAssignmentPage,
    MyAssignmentRead,
)
from planning.groups import repository as groups_repository
from planning.groups.avoidance import Rule
from planning.groups.schemas import AvoidanceCheckPage, AvoidanceCheckRead
from planning.groups.screening import REFUSAL, AvoidanceRefused, refusal_response
from planning.pool import access
from planning.pool.access import Hierarchy
from planning.pool.domain import VillageApproach

router = APIRouter(tags=["pool"], responses=problem_responses(401, 403, 422))

RoundId = Annotated[uuid.UUID, Path(title="轮次编号")]
AssignmentId = Annotated[uuid.UUID, Path(title="巡察任务编号")]


@router.post(
    "/rounds/{round_id}/assignments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentRead,
    responses=REFUSAL,
    summary="分配巡察任务",
    description="把一个被巡察对象交给本轮一个巡察组（每个对象每轮只交给一个组）。村（社区）须选择"
    "巡察方式，延伸巡、调研巡须先把所属乡镇交给同一组。对组内每名成员做回避审查（结果均留存），"
    "有回避情形时拒绝（422），逐条说明理由并列出可替换人员。",
)
async def make_assignment(
    round_id: RoundId,
    body: AssignmentCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
    hierarchy: Hierarchy,
) -> AssignmentRead | JSONResponse:
    try:
        assignment, org, group = await service.make_assignment(
            session, round_id=round_id, data=body, actor=principal, now=now, hierarchy=hierarchy
        )
    except AvoidanceRefused as refusal:
        return refusal_response(request, refusal)
    result = service.assignment_read((assignment, org, group))
    location = f"{request.url.path}/{assignment.id}"
    return await created(response, idempotent, result, location=location)


@router.get(
    "/rounds/{round_id}/assignments",
    response_model=AssignmentPage,
    summary="查看本轮巡察任务",
    description="巡察办和领导小组看全部；巡察组成员只看到本人所在组的任务。按对象编码排序，游标分页。",
)
async def list_assignments(
    round_id: RoundId,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    group_id: Annotated[uuid.UUID | None, Query(title="巡察组编号")] = None,
    kind: Annotated[list[OrgKind] | None, Query(title="对象类型")] = None,
    approach: Annotated[VillageApproach | None, Query(title="巡察方式")] = None,
) -> AssignmentPage:
    round_, groups = await access.assignment_scope(session, round_id, principal)
    if group_id is not None:
        groups = [g for g in groups if g == group_id] if groups is not None else [group_id]
    after = CODE_ID.decode(paging.cursor)
    rows, total = await repository.list_assignments(
        session,
        round_ids=[round_.id],
        group_ids=groups,
        kinds=[k.value for k in kind or []],
        approach=approach.value if approach else None,
        after=after,
        limit=paging.limit + 1,
    )
    rows, next_cursor = split_page(rows, paging.limit, lambda r: [r[1].code, str(r[0].id)])
    return AssignmentPage(
        items=[service.assignment_read(r) for r in rows],
        next_cursor=next_cursor,
        total=total,
    )


@router.delete(
    "/assignments/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="撤回巡察任务",
    description="报告阶段之前可撤回；乡镇带着延伸巡、调研巡的村时，须先撤回这些村。",
)
async def withdraw_assignment(
    assignment_id: AssignmentId, session: DbSession, principal: CurrentPrincipal, now: Now
) -> Response:
    await service.withdraw_assignment(
        session, assignment_id=assignment_id, actor=principal, now=now
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/me/assignments",
    response_model=MyAssignmentPage,
    summary="我的巡察任务",
    description="巡察组成员（令牌主体即人才库中的平台账号）所在各组的任务。按对象编码排序，游标分页。",
)
async def my_assignments(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
) -> MyAssignmentPage:
    mine = await service.my_groups(session, actor=principal, round_id=round_id)
    rows, total = await repository.list_assignments(
        session,
        group_ids=list(mine),
        after=CODE_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    items = []
    for row in rows:
        role, round_ = mine[row[2].id]
        base = service.assignment_read(row).model_dump()
        items.append(
            MyAssignmentRead(
                **base, round_name=round_.name, round_status=round_.status, my_role=role
            )
        )
    last = rows[-1] if rows else None
    return MyAssignmentPage(
        items=items,
        next_cursor=encode_cursor([last[1].code, str(last[0].id)]) if more and last else None,
        total=total,
    )


@router.get(
    "/rounds/{round_id}/avoidance-checks",
    response_model=AvoidanceCheckPage,
    summary="回避审查记录",
    description="本轮每一次回避审查的结果（通过的也留存）：审查人、时间、人员、对象、规则、结论和理由。"
    "按审查时间排序，游标分页。",
)
async def list_avoidance_checks(
    round_id: RoundId,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    cadre_id: Annotated[uuid.UUID | None, Query(title="人员编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    rule: Annotated[Rule | None, Query(title="回避规则")] = None,
    outcome: Annotated[
        str | None,
        Query(pattern="^(pass|violation)$", title="结论", description="pass 或 violation"),
    ] = None,
) -> AvoidanceCheckPage:
    round_ = await access.round_to_read(session, round_id, principal)
    position = TIME_ID.decode(paging.cursor)
    rows, total = await groups_repository.list_checks(
        session,
        round_id=round_.id,
        cadre_id=cadre_id,
        org_id=org_id,
        rule=rule.value if rule else None,
        outcome=outcome,
        after=position,
        limit=paging.limit + 1,
    )
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    items = [
        AvoidanceCheckRead(
            id=c.id,
            round_id=c.round_id,
            cadre_id=c.cadre_id,
            cadre_name=cadre_name,
            org_id=c.org_id,
            org_name=org_name,
            rule=Rule(c.rule),
            outcome=c.outcome,
            detail=c.detail,
            checked_by=c.checked_by,
            checked_at=c.checked_at,
        )
        for c, cadre_name, org_name in rows
    ]
    last = rows[-1][0] if rows else None
    cursor = [last.checked_at.isoformat(), str(last.id)] if more and last else None
    return AvoidanceCheckPage(
        items=items, next_cursor=encode_cursor(cursor) if cursor else None, total=total
    )

"""HTTP routes: the funds comparison (三个数据比对) and the problems its gaps become."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, status
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import NotFound
from xuncha_shared.web import ERRORS, conflict

from findings.access.policy import readable_assignment
from findings.funds import repository, service
from findings.funds.schemas import FundsProjectCreate, FundsProjectRead, GapProblemsCreate
from findings.problems import service as problem_service
from findings.problems.schemas import ProblemRead

# These routes were the problems router's until the funds comparison got its folder: they
# keep both tags, so the published API is unchanged.
router = APIRouter(tags=["problems", "funds"], responses=ERRORS)


@router.post(
    "/assignments/{assignment_id}/funds-projects",
    status_code=status.HTTP_201_CREATED,
    response_model=FundsProjectRead,
    summary="录入资金比对项目",
    description="专项巡察“三个数据”比对：上级给多少、被巡察单位支多少、实际落地多少（元，精确到分）。"
    "返回计算出的两个差额。可带 Idempotency-Key（重复提交只录入一次）。",
    responses=conflict("状态不允许"),
)
async def add_funds_project(
    assignment_id: Annotated[uuid.UUID, Path(title="巡察任务编号")],
    body: FundsProjectCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> FundsProjectRead:
    project = await service.add_project(
        session, assignment_id=assignment_id, data=body, actor=principal, now=now
    )
    (result,) = await service.reads(session, [project])
    await idempotent.remember(result, status_code=201)
    return result


@router.get(
    "/assignments/{assignment_id}/funds-projects",
    response_model=list[FundsProjectRead],
    summary="资金比对表",
)
async def list_funds_projects(
    assignment_id: Annotated[uuid.UUID, Path(title="巡察任务编号")],
    session: DbSession,
    principal: CurrentPrincipal,
) -> list[FundsProjectRead]:
    await readable_assignment(session, principal, assignment_id)
    rows = await repository.funds_projects(session, assignment_id)
    return await service.reads(session, rows)


@router.post(
    "/funds-projects/{project_id}/problems",
    status_code=status.HTTP_201_CREATED,
    response_model=list[ProblemRead],
    summary="差额形成问题",
    description=(
        "把项目的正差额（拨付未支出、支出未落地）各形成一条问题，金额为差额。已形成过返回 409。"
    ),
    responses=conflict("状态不允许"),
)
async def gap_problems(
    project_id: Annotated[uuid.UUID, Path(title="项目编号")],
    body: GapProblemsCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> list[ProblemRead]:
    project = await repository.funds_project_for_update(session, project_id)
    if project is None:
        raise NotFound("资金比对项目不存在", "No such funds project", field="project_id")
    await readable_assignment(session, principal, project.assignment_id)
    items = await service.gap_problem_fields(session, project=project, data=body)
    problems = (
        await problem_service.record_problems(
            session,
            assignment_id=project.assignment_id,
            items=items,
            actor=principal,
            now=now,
            funds_project_id=project.id,
        )
        if items
        else []
    )
    return await problem_service.reads(session, problems, viewer=principal)

"""HTTP routes: 批量填写与批量验收 a plan's tasks filled in at once, claims accepted at once."""

from __future__ import annotations

from fastapi import APIRouter
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.web import ERRORS, conflict

from rectification.access.policy import access_for
from rectification.batches import service
from rectification.batches.schemas import Acceptances, PlanTasksFill
from rectification.plans import service as plans
from rectification.plans.routes import PlanId
from rectification.plans.schemas import TaskRead

router = APIRouter(tags=["plans"], responses=ERRORS)

ALL_OR_NOTHING = (
    "全部成功或全部不变：任何一项不符合单项操作的规则即整批拒绝，错误的 field 指明第几项"
    "（如 tasks.3.due_on，版本不符为 tasks.3.version）。"
)


@router.patch(
    "/plans/{plan_id}/tasks",
    response_model=list[TaskRead],
    summary="批量填写整改任务",
    description="被巡察党组织一次填写本方案的多项任务，每项带任务编号、读取时的版本号（即单项修改的"
    "If-Match）和要改的字段，规则同“填写或修改整改任务”。" + ALL_OR_NOTHING,
    responses=conflict("状态不允许"),
)
async def fill_plan_tasks(
    plan_id: PlanId, body: PlanTasksFill, session: DbSession, principal: CurrentPrincipal, now: Now
) -> list[TaskRead]:
    access = access_for(principal)
    plan = await plans.get_plan_for(session, plan_id=plan_id, access=access, for_update=True)
    tasks = await service.fill_plan_tasks(
        session, plan=plan, data=body, access=access, actor=principal, now=now
    )
    return await plans.task_reads(session, tasks, now=now)


@router.post(
    "/acceptances",
    response_model=list[TaskRead],
    summary="批量验收通过",
    description="本辖区纪委监委或组织部以同一验收意见一次验收多项已申请销号的任务，每项带任务编号和"
    "读取时的版本号；每项各发一条任务验收事件。" + ALL_OR_NOTHING,
    responses=conflict("状态不允许"),
)
async def accept_claims(
    body: Acceptances, session: DbSession, principal: CurrentPrincipal, now: Now
) -> list[TaskRead]:
    tasks = await service.accept_claims(
        session, data=body, access=access_for(principal), actor=principal, now=now
    )
    return await plans.task_reads(session, tasks, now=now)

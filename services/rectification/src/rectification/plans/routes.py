"""HTTP routes: 整改方案与任务 Plans and tasks, completion rates and the ledger export."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import TaskKind
from xuncha_shared.exports import attachment
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, Paging, split_page
from xuncha_shared.web import ERRORS, TIME_ID, VERSIONED, XLSX, conflict, versioned
from xuncha_shared.workdays import local_day

from rectification.access.policy import access_for
from rectification.plans import repository, service
from rectification.plans.export import ledger_xlsx
from rectification.plans.repository import TaskFilter
from rectification.plans.schemas import (
    CompletionBy,
    CompletionRead,
    CompletionRow,
    PlanPage,
    PlanRead,
    PlanStatus,
    TaskPage,
    TaskRead,
    TaskStatus,
    TaskUpdate,
)

router = APIRouter(tags=["plans"], responses=ERRORS)

PlanId = Annotated[uuid.UUID, Path(title="整改方案编号")]
TaskId = Annotated[uuid.UUID, Path(title="整改任务编号")]


def task_filter(
    now: Now,
    plan_id: Annotated[uuid.UUID | None, Query(title="整改方案编号")] = None,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    status: Annotated[list[TaskStatus] | None, Query(title="状态")] = None,
    kind: Annotated[list[TaskKind] | None, Query(title="整改类型")] = None,
    category: Annotated[str | None, Query(max_length=64, title="问题类别代码")] = None,
    owner_account: Annotated[str | None, Query(max_length=128, title="领办领导账号")] = None,
    livelihood: Annotated[bool | None, Query(title="是否民生问题")] = None,
    overdue: Annotated[bool | None, Query(title="是否逾期")] = None,
) -> TaskFilter:
    return TaskFilter(
        plan_id=plan_id,
        round_id=round_id,
        term_id=term_id,
        org_id=org_id,
        statuses=[s.value for s in status or []],
        kinds=[k.value for k in kind or []],
        category=category,
        owner_account=owner_account,
        livelihood=livelihood,
        overdue=overdue,
        today=local_day(now),
    )


Filter = Annotated[TaskFilter, Depends(task_filter)]


@router.get(
    "/plans",
    response_model=PlanPage,
    summary="查询整改方案",
    description="巡察办、领导小组、纪委监委、组织部看本辖区全部；被巡察党组织看本单位的；"
    "领办领导看含其领办任务的，以及其分管单位（被巡察对象库中分管县领导为本人）的全部（只读）。"
    "按建立时间排序，游标分页。",
)
async def list_plans(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    status: Annotated[list[PlanStatus] | None, Query(title="状态")] = None,
) -> PlanPage:
    plans, total = await repository.list_plans(
        session,
        access=access_for(principal),
        round_id=round_id,
        org_id=org_id,
        statuses=[s.value for s in status or []],
        after=TIME_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    plans, next_cursor = split_page(plans, paging.limit, lambda p: [p.opened_at.isoformat(), p.id])
    return PlanPage(
        items=await service.plan_reads(session, plans), next_cursor=next_cursor, total=total
    )


@router.get("/plans/{plan_id}", response_model=PlanRead, summary="查看整改方案")
async def get_plan(
    plan_id: PlanId, session: DbSession, principal: CurrentPrincipal, response: Response
) -> PlanRead:
    plan = await service.get_plan_for(session, plan_id=plan_id, access=access_for(principal))
    (result,) = await service.plan_reads(session, [plan])
    return versioned(response, result)


@router.post(
    "/plans/{plan_id}/submit",
    response_model=PlanRead,
    summary="报送整改方案",
    description="被巡察党组织在每项任务都填写了整改措施、责任人、领办领导和整改时限后报送整改方案。"
    "须带 If-Match。",
    responses=VERSIONED | conflict("状态不允许"),
)
async def submit_plan(
    plan_id: PlanId,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> PlanRead:
    plan = await service.get_plan_for(
        session, plan_id=plan_id, access=access_for(principal), for_update=True
    )
    plan = await service.submit_plan(
        session, plan=plan, expected_version=expected, actor=principal, now=now
    )
    (result,) = await service.plan_reads(session, [plan])
    return versioned(response, result)


@router.get(
    "/tasks",
    response_model=TaskPage,
    summary="查询整改任务",
    description="整改台账：按轮次、届次、对象、状态、类型、类别、领办领导、是否逾期筛选；"
    "按建立时间排序，游标分页。可见范围同整改方案。",
)
async def list_tasks(
    session: DbSession, principal: CurrentPrincipal, paging: Paging, where: Filter, now: Now
) -> TaskPage:
    tasks, total = await repository.list_tasks(
        session,
        access=access_for(principal),
        where=where,
        after=TIME_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    tasks, next_cursor = split_page(tasks, paging.limit, lambda t: [t.opened_at.isoformat(), t.id])
    return TaskPage(
        items=await service.task_reads(session, tasks, now=now),
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    "/tasks.xlsx",
    summary="导出整改台账（XLSX）",
    description="与“查询整改任务”相同的筛选条件，导出全部符合条件的任务。",
    response_class=Response,
    responses=XLSX,
)
async def export_tasks(
    session: DbSession, principal: CurrentPrincipal, where: Filter, now: Now
) -> Response:
    tasks, _ = await repository.list_tasks(
        session, access=access_for(principal), where=where, after=None, limit=None
    )
    data = ledger_xlsx(await service.task_reads(session, tasks, now=now))
    return attachment(data, filename="rectification-ledger.xlsx")


@router.get(
    "/completion",
    response_model=CompletionRead,
    summary="整改完成率",
    description="已验收任务数 / 任务总数，按被巡察对象、轮次、届次或问题类别分组"
    "（筛选条件同整改台账）。",
)
async def completion(
    session: DbSession,
    principal: CurrentPrincipal,
    where: Filter,
    by: Annotated[CompletionBy, Query(title="分组方式")] = CompletionBy.org,
) -> CompletionRead:
    rows = await repository.completion(
        session, access=access_for(principal), where=where, by=by.value
    )
    total = sum(r[2] for r in rows)
    accepted = sum(r[3] for r in rows)
    return CompletionRead(
        by=by,
        rows=[
            CompletionRow(key=k, name=n, total=t, accepted=a, rate=a / t if t else 0.0)
            for k, n, t, a in rows
        ],
        total=total,
        accepted=accepted,
        rate=accepted / total if total else None,
    )


@router.get("/tasks/{task_id}", response_model=TaskRead, summary="查看整改任务")
async def get_task(
    task_id: TaskId, session: DbSession, principal: CurrentPrincipal, now: Now, response: Response
) -> TaskRead:
    task = await service.get_task_for(session, task_id=task_id, access=access_for(principal))
    (result,) = await service.task_reads(session, [task], now=now)
    return versioned(response, result)


@router.patch(
    "/tasks/{task_id}",
    response_model=TaskRead,
    summary="填写或修改整改任务",
    description="被巡察党组织填写本单位任务的整改措施、责任人、领办领导（账号与姓名）、整改时限和"
    "整改类型。只改所带字段；已申请销号或已验收的任务不能修改。巡察决定的事项单位不能自行变更"
    "（403，field 指明字段）：立行立改任务的整改类型和时限，任何任务改为立行立改，以及方案报送后"
    "的整改类型、时限和措施；如需调整请向巡察办申请。须带 If-Match。",
    responses=VERSIONED | conflict("状态不允许"),
)
async def update_task(
    task_id: TaskId,
    body: TaskUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> TaskRead:
    task = await service.get_task_for(
        session, task_id=task_id, access=access_for(principal), for_update=True
    )
    task = await service.update_task(
        session, task=task, data=body, expected_version=expected, actor=principal, now=now
    )
    (result,) = await service.task_reads(session, [task], now=now)
    return versioned(response, result)

"""Plans and tasks as the inspected org fills them in: read with authorization per record,
edit a task, submit the plan. Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.rectification import PlanSubmitted
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, FieldError, NotFound, Unprocessable
from xuncha_shared.workdays import local_day

from rectification.access.policy import Access, require_own_org
from rectification.plans import repository
from rectification.plans.decided import refuse_changes_to_decided_fields
from rectification.plans.models import DRAFTING, SUBMITTED, Plan, Task
from rectification.plans.schemas import PlanRead, TaskRead, TaskUpdate

# A deadline further out than this is a typo, not a plan.
MAX_HORIZON = timedelta(days=5 * 366)


async def get_plan_for(
    session: AsyncSession, *, plan_id: uuid.UUID, access: Access, for_update: bool = False
) -> Plan:
    """The plan if the caller may see it, else 404."""
    plan = await repository.visible_plan(
        session, plan_id=plan_id, access=access, for_update=for_update
    )
    if plan is None:
        raise NotFound("整改方案不存在或无权查看", "No such plan", field="plan_id")
    return plan


async def get_task_for(
    session: AsyncSession, *, task_id: uuid.UUID, access: Access, for_update: bool = False
) -> Task:
    """The task if the caller may see it, else 404."""
    task = await repository.visible_task(
        session, task_id=task_id, access=access, for_update=for_update
    )
    if task is None:
        raise NotFound("整改任务不存在或无权查看", "No such task", field="task_id")
    return task


async def plan_reads(session: AsyncSession, plans: Sequence[Plan]) -> list[PlanRead]:
    """Plans with their org names and completion."""
    counts = await repository.plan_counts(session, [p.id for p in plans])
    names = await repository.org_names(session, [p.org_id for p in plans])
    out = []
    for p in plans:
        total, accepted = counts.get(p.id, (0, 0))
        read = PlanRead.model_validate(p)
        out.append(
            read.model_copy(
                update={
                    "org_name": names.get(p.org_id),
                    "task_count": total,
                    "accepted_count": accepted,
                    "completion_rate": accepted / total if total else None,
                }
            )
        )
    return out


async def task_reads(
    session: AsyncSession, tasks: Sequence[Task], *, now: datetime
) -> list[TaskRead]:
    """Tasks with their org names and whether they are overdue today."""
    names = await repository.org_names(session, [t.org_id for t in tasks])
    today = local_day(now)
    return [
        TaskRead.model_validate(t).model_copy(
            update={"org_name": names.get(t.org_id), "overdue": t.is_overdue(today)}
        )
        for t in tasks
    ]


async def update_task(
    session: AsyncSession,
    *,
    task: Task,
    data: TaskUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Task:
    """The org fills in or changes a task (measures, responsible person, owning leader,
    deadline, kind) while it is being rectified, except what the inspection or the office
    decided (:mod:`rectification.plans.decided`). A moved deadline may be warned again."""
    require_own_org(actor, jurisdiction=task.jurisdiction, org_id=task.org_id)
    check_version(task.version, expected_version)
    if task.status != "open":
        raise Conflict(
            "任务已申请销号或已验收，不能再修改",
            "The task is claimed done or accepted and can no longer change",
            code="task-not-open",
        )
    changes = data.model_dump(exclude_unset=True)
    plan = await repository.get_plan(session, task.plan_id)
    refuse_changes_to_decided_fields(task, plan, changes)
    if data.due_on is not None:
        today = local_day(now)
        if data.due_on < local_day(task.opened_at) or data.due_on > today + MAX_HORIZON:
            raise Unprocessable(
                "整改时限应在任务建立之后、五年之内",
                "The deadline must be after the task opened and within five years",
                field="due_on",
                code="bad-due-on",
            )
    changed = False
    for name, value in changes.items():
        value = value.value if hasattr(value, "value") else value
        if getattr(task, name) != value:
            setattr(task, name, value)
            changed = True
    if changed:
        task.version += 1
        task.updated_at = now
        await session.flush()
    return task


async def submit_plan(
    session: AsyncSession, *, plan: Plan, expected_version: int, actor: Principal, now: datetime
) -> Plan:
    """The org submits its plan once every task has measures, a responsible person, an
    owning leader and a deadline; emits ``plan.submitted``."""
    require_own_org(actor, jurisdiction=plan.jurisdiction, org_id=plan.org_id)
    check_version(plan.version, expected_version)
    if plan.status != DRAFTING:
        zh = "整改方案已报送" if plan.status == SUBMITTED else "尚未反馈，整改方案还不能报送"
        raise Conflict(zh, f"The plan cannot be submitted now ({plan.status})", code="plan-state")
    tasks = await repository.tasks_of_plan(session, plan.id)
    errors = [
        FieldError(
            field=f"tasks.{i}",
            code="task-incomplete",
            message_zh=f"第 {i + 1} 项任务（{t.category_name}）尚未填写{missing}",
            message_en=f"Task {i + 1} lacks {missing_en}",
        )
        for i, t in enumerate(tasks)
        for missing, missing_en in [_missing(t)]
        if missing
    ]
    if errors:
        raise Unprocessable(
            f"整改方案不完整：{errors[0].message_zh}",
            f"The plan is incomplete: {errors[0].message_en}",
            field=errors[0].field,
            code="plan-incomplete",
            errors=errors,
        )
    plan.status = SUBMITTED
    plan.submitted_at, plan.submitted_by = now, actor.subject
    plan.version += 1
    plan.updated_at = now
    await session.flush()
    await emit(
        session,
        PlanSubmitted(
            jurisdiction=plan.jurisdiction,
            plan_id=plan.id,
            round_id=plan.round_id,
            org_id=plan.org_id,
            submitted_at=now,
        ),
    )
    return plan


def _missing(task: Task) -> tuple[str, str]:
    names = [
        (zh, en)
        for zh, en, value in (
            ("整改措施", "measures", task.measures),
            ("责任人", "a responsible person", task.responsible_person),
            ("领办领导", "an owning leader", task.owner_account),
            ("整改时限", "a deadline", task.due_on),
        )
        if not value
    ]
    return "、".join(n[0] for n in names), ", ".join(n[1] for n in names)

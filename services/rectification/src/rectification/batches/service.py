"""批量填写与批量验收: what a person does to many tasks at once, item by item through the
single-task rules (:func:`rectification.plans.service.update_task`,
:func:`rectification.progress.service.accept`), all or nothing: one refused item refuses
the batch, naming the item (``tasks.3.due_on``), and nothing of it is written. The tasks are
locked in one statement, in id order, so two batches never wait on each other crosswise.
Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.problems import NotFound, Unprocessable, at_item

from rectification.access.policy import Access, require_own_org, require_supervisor
from rectification.batches import repository
from rectification.batches.schemas import Acceptances, PlanTasksFill
from rectification.plans import service as plans
from rectification.plans.models import Plan, Task
from rectification.progress import service as progress
from rectification.progress.schemas import Acceptance


async def _locked(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, access: Access, plan: Plan | None = None
) -> list[Task]:
    """The tasks in the order asked, each named once (else a 422) and visible to the
    caller (and of ``plan``; else a 404), naming the first item that is not."""
    first: dict[uuid.UUID, int] = {}
    for i, task_id in enumerate(ids):
        if task_id in first:
            with at_item("tasks", i):
                raise Unprocessable(
                    f"与第 {first[task_id] + 1} 项是同一项任务",
                    f"The same task as item {first[task_id] + 1}",
                    field="task_id",
                    code="repeated-task",
                )
        first[task_id] = i
    found = await repository.lock_visible_tasks(session, ids, access=access)
    for i, task_id in enumerate(ids):
        task = found.get(task_id)
        if task is None or (plan is not None and task.plan_id != plan.id):
            with at_item("tasks", i):
                raise NotFound(
                    "整改任务不存在、不属于本整改方案或无权查看",
                    "No such task in this plan",
                    field="task_id",
                )
    return [found[task_id] for task_id in ids]


async def fill_plan_tasks(
    session: AsyncSession,
    *,
    plan: Plan,
    data: PlanTasksFill,
    access: Access,
    actor: Principal,
    now: datetime,
) -> list[Task]:
    """The org fills in several tasks of its plan at once (each as the single edit would)."""
    require_own_org(actor, jurisdiction=plan.jurisdiction, org_id=plan.org_id)
    tasks = await _locked(session, [t.task_id for t in data.tasks], access=access, plan=plan)
    for i, (task, fill) in enumerate(zip(tasks, data.tasks, strict=True)):
        with at_item("tasks", i):
            await plans.update_task(
                session,
                task=task,
                data=fill.changes(),
                expected_version=fill.version,
                actor=actor,
                now=now,
            )
    return tasks


async def accept_claims(
    session: AsyncSession,
    *,
    data: Acceptances,
    access: Access,
    actor: Principal,
    now: datetime,
) -> list[Task]:
    """A supervisor accepts several claimed tasks with one opinion (each as the single
    acceptance would: a ``task.accepted`` event per task)."""
    require_supervisor(actor, jurisdiction=actor.jurisdiction)
    tasks = await _locked(session, [t.task_id for t in data.tasks], access=access)
    opinion = Acceptance(comment=data.comment)
    for i, (task, ref) in enumerate(zip(tasks, data.tasks, strict=True)):
        with at_item("tasks", i):
            await progress.accept(
                session,
                task=task,
                data=opinion,
                expected_version=ref.version,
                actor=actor,
                now=now,
            )
    return tasks

"""Reminders (催办) of a task still open. Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.rectification import TaskKind, TaskReminded
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict
from xuncha_shared.workdays import local_day

from rectification.access.policy import reminding_org
from rectification.plans.models import Task
from rectification.progress.models import ProgressEntry
from rectification.progress.schemas import EntryKind
from rectification.reminders import repository
from rectification.reminders.schemas import ReminderCreate

DEFAULT_NOTE = "请按期完成整改任务，及时报告整改进展。"


async def _name(session: AsyncSession, org: uuid.UUID | None) -> str:
    if org is None:
        return "巡察办"
    name = await repository.org_name(session, org)
    return name or "所属乡镇"


async def remind(
    session: AsyncSession, *, task: Task, data: ReminderCreate, actor: Principal, now: datetime
) -> ProgressEntry:
    """Record the reminder in the task's history and tell the org (``task.reminded``)."""
    org = await reminding_org(session, actor, task)
    if task.status != "open":
        raise Conflict(
            "已申请销号，等待验收，无需催办"
            if task.status == "claimed"
            else "任务已验收销号，无需催办",
            "Only a task still being rectified can be reminded",
            code="task-not-open",
        )
    entry = ProgressEntry(
        task_id=task.id,
        kind=EntryKind.remind.value,
        reported_on=local_day(now),
        text=data.note or DEFAULT_NOTE,
        evidence=[],
        at=now,
        by=actor.subject,
    )
    session.add(entry)
    await session.flush()
    await emit(
        session,
        TaskReminded(
            jurisdiction=task.jurisdiction,
            task_id=task.id,
            plan_id=task.plan_id,
            problem_id=task.problem_id,
            round_id=task.round_id,
            org_id=task.org_id,
            kind=TaskKind(task.kind),
            reminder_id=entry.id,
            reminded_at=now,
            reminded_by=actor.subject,
            reminding_org_id=org,
            reminder_from_zh=await _name(session, org),
            due_on=task.due_on,
            overdue=task.is_overdue(local_day(now)),
            note=entry.text,
        ),
    )
    return entry

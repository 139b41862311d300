"""Progress, done claims and acceptance (整改日常监督). Keyword-only arguments; they flush,
never commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.rectification import (
    TaskAccepted,
    TaskDoneClaimed,
    TaskKind,
    TaskRejected,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, Unprocessable
from xuncha_shared.workdays import local_day

from rectification.access.policy import require_own_org, require_supervisor
from rectification.plans.models import Task
from rectification.progress import repository
from rectification.progress.models import ProgressEntry
from rectification.progress.schemas import (
    Acceptance,
    DoneClaim,
    EntryKind,
    ProgressCreate,
    Rejection,
)


def _not_accepted(task: Task) -> None:
    if task.status == "accepted":
        raise Conflict("任务已验收销号", "The task is already accepted", code="task-accepted")


async def report_progress(
    session: AsyncSession, *, task: Task, data: ProgressCreate, actor: Principal, now: datetime
) -> ProgressEntry:
    """The org reports dated progress with evidence on one of its tasks."""
    require_own_org(actor, jurisdiction=task.jurisdiction, org_id=task.org_id)
    _not_accepted(task)
    if data.reported_on > local_day(now) or data.reported_on < local_day(task.opened_at):
        raise Unprocessable(
            "进展日期应在任务建立之后、今天之前",
            "The progress date must be between the task's opening and today",
            field="reported_on",
            code="bad-reported-on",
        )
    entry = ProgressEntry(
        task_id=task.id,
        kind=EntryKind.progress.value,
        reported_on=data.reported_on,
        text=data.text,
        evidence=[e.model_dump() for e in data.evidence],
        at=now,
        by=actor.subject,
    )
    session.add(entry)
    task.updated_at = now
    await session.flush()
    return entry


async def claim_done(
    session: AsyncSession,
    *,
    task: Task,
    data: DoneClaim,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Task:
    """The org claims a task done with the party head's truthfulness commitment; discipline
    or organization must now accept or reject it. Emits ``task.done_claimed``."""
    require_own_org(actor, jurisdiction=task.jurisdiction, org_id=task.org_id)
    check_version(task.version, expected_version)
    _not_accepted(task)
    if task.status == "claimed":
        raise Conflict(
            "已申请销号，等待验收", "Already claimed; awaiting acceptance", code="task-claimed"
        )
    if not task.measures:
        raise Unprocessable(
            "请先填写整改措施再申请销号",
            "Fill in the measures before claiming the task done",
            field="measures",
            code="no-measures",
        )
    session.add(
        ProgressEntry(
            task_id=task.id,
            kind=EntryKind.claim.value,
            reported_on=local_day(now),
            text=data.summary,
            evidence=[e.model_dump() for e in data.evidence],
            signed_by=data.commitment.signed_by,
            commitment=data.commitment.statement,
            signed_at=now,
            at=now,
            by=actor.subject,
        )
    )
    task.status = "claimed"
    task.claimed_at = now
    task.version += 1
    task.updated_at = now
    await session.flush()
    await emit(session, TaskDoneClaimed.model_validate({**_task_facts(task), "claimed_at": now}))
    return task


def _claimed(task: Task) -> None:
    if task.status != "claimed":
        raise Conflict(
            "任务尚未申请销号，不能验收" if task.status == "open" else "任务已验收销号",
            "Only a task claimed done can be accepted or rejected",
            code="task-not-claimed",
        )


async def accept(
    session: AsyncSession,
    *,
    task: Task,
    data: Acceptance,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Task:
    """A supervisor accepts a claimed task; it counts as done (and on time when it was
    claimed by its deadline). Emits ``task.accepted``."""
    require_supervisor(actor, jurisdiction=task.jurisdiction)
    check_version(task.version, expected_version)
    _claimed(task)
    assert task.claimed_at is not None
    session.add(
        ProgressEntry(
            task_id=task.id,
            kind=EntryKind.accept.value,
            text=data.comment or "验收通过",
            at=now,
            by=actor.subject,
        )
    )
    task.status = "accepted"
    task.accepted_at, task.accepted_by = now, actor.subject
    task.on_time = task.due_on is None or local_day(task.claimed_at) <= task.due_on
    task.version += 1
    task.updated_at = now
    await session.flush()
    await emit(
        session,
        TaskAccepted.model_validate(
            {
                **_task_facts(task),
                "category": task.category,
                "livelihood": task.livelihood,
                "on_time": task.on_time,
                "accepted_at": now,
            }
        ),
    )
    return task


async def reject(
    session: AsyncSession,
    *,
    task: Task,
    data: Rejection,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Task:
    """A supervisor rejects a claim with reasons; the task reopens. Emits
    ``task.rejected``."""
    require_supervisor(actor, jurisdiction=task.jurisdiction)
    check_version(task.version, expected_version)
    _claimed(task)
    session.add(
        ProgressEntry(
            task_id=task.id,
            kind=EntryKind.reject.value,
            text=data.reasons,
            at=now,
            by=actor.subject,
        )
    )
    task.status = "open"
    task.claimed_at = None
    task.rejections += 1
    task.version += 1
    task.updated_at = now
    await session.flush()
    await emit(
        session,
        TaskRejected.model_validate(
            {**_task_facts(task), "rejections": task.rejections, "rejected_at": now}
        ),
    )
    return task


async def history(session: AsyncSession, task_id: uuid.UUID) -> list[ProgressEntry]:
    """A task's entries, oldest first."""
    return await repository.entries_of_task(session, task_id)


def _task_facts(task: Task) -> dict[str, object]:
    return {
        "jurisdiction": task.jurisdiction,
        "task_id": task.id,
        "plan_id": task.plan_id,
        "problem_id": task.problem_id,
        "round_id": task.round_id,
        "org_id": task.org_id,
        "kind": TaskKind(task.kind),
    }

"""Change requests (调整申请): what the office or the inspection decided on a task (its kind,
deadline, and once the plan is submitted its measures; :mod:`rectification.plans.decided`)
the inspected org cannot change by itself, only ask the office to change.

* The org files a request on one of its open tasks: only decided fields, at least one, each
  different from the task's, with a reason; one open request per task at a time.
* The office of the jurisdiction approves (the requested values are applied to the task in
  the same transaction) or rejects with its opinion; a decided request stays decided.
* The org may withdraw its open request.

A requested deadline follows the office's own deadline rule (:func:`refuse_unworkable_deadline`):
a working day of the jurisdiction's calendar, not in the past, within five years. A task of a
立行立改 problem keeps its kind: immediacy is the inspection's decision and the counts by kind
must stay those findings fed back; its deadline may be asked to move.

Keyword-only arguments; they flush, never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.rectification import (
    ChangeField,
    ChangeOutcome,
    TaskChangeDecided,
    TaskChangeRequested,
    TaskChangeWithdrawn,
    TaskKind,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable
from xuncha_shared.workdays import local_day

from rectification.access.policy import Access, require_office, require_own_org
from rectification.change_requests import repository
from rectification.change_requests.models import (
    APPROVED,
    OPEN,
    REJECTED,
    WITHDRAWN,
    ChangeRequest,
)
from rectification.change_requests.schemas import (
    ChangeApproval,
    ChangeRejection,
    ChangeRequestCreate,
    ChangeRequestRead,
)
from rectification.dates import calendar_of
from rectification.plans import repository as plans
from rectification.plans.decided import FIELD_ZH, decided_fields
from rectification.plans.models import Task
from rectification.plans.service import MAX_HORIZON

STATUS_ZH = {OPEN: "待审批", APPROVED: "已同意", REJECTED: "不同意", WITHDRAWN: "已撤回"}


async def get_request_for(
    session: AsyncSession, *, request_id: uuid.UUID, access: Access, for_update: bool = False
) -> ChangeRequest:
    """The request if the caller may see it (he sees its task), else 404."""
    row = await repository.visible_request(
        session, request_id=request_id, access=access, for_update=for_update
    )
    if row is None:
        raise NotFound(
            "调整申请不存在或无权查看", "No such change request", field="change_request_id"
        )
    return row


async def request_reads(
    session: AsyncSession, rows: Sequence[ChangeRequest]
) -> list[ChangeRequestRead]:
    """Requests with their org names and the fields they ask to change."""
    names = await plans.org_names(session, [r.org_id for r in rows])
    return [
        ChangeRequestRead.model_validate(r).model_copy(
            update={
                "org_name": names.get(r.org_id),
                "fields": [ChangeField(f) for f in r.asked_fields()],
            }
        )
        for r in rows
    ]


async def file_change_request(
    session: AsyncSession, *, task: Task, data: ChangeRequestCreate, actor: Principal, now: datetime
) -> ChangeRequest:
    """The org asks the office to change decided fields of its (locked) task; emits
    ``task.change_requested``."""
    require_own_org(actor, jurisdiction=task.jurisdiction, org_id=task.org_id)
    _require_open_task(task)
    pending = await repository.open_request_of(session, task.id)
    if pending is not None:
        raise Conflict(
            f"该任务已有待审批的调整申请（{pending.id}），请等待巡察办审批或先撤回",
            f"The task already has an open change request ({pending.id}); wait for the "
            "office's decision or withdraw it",
            field="task_id",
            code="change-request-open",
            extra={"change_request_id": str(pending.id)},
        )
    asked = _asked(data)
    plan = await plans.get_plan(session, task.plan_id)
    refuse_what_is_not_decided(task, asked, decided_fields(task, plan))
    if data.due_on is not None:
        await refuse_unworkable_deadline(session, task=task, due_on=data.due_on, now=now)
    row = ChangeRequest(
        task_id=task.id,
        plan_id=task.plan_id,
        jurisdiction=task.jurisdiction,
        round_id=task.round_id,
        org_id=task.org_id,
        status=OPEN,
        kind=asked.get("kind"),
        due_on=data.due_on,
        measures=data.measures,
        current_kind=task.kind,
        current_due_on=task.due_on,
        current_measures=task.measures,
        reason=data.reason,
        filed_at=now,
        filed_by=actor.subject,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    await emit(
        session,
        TaskChangeRequested(
            **_task_facts(task),
            change_request_id=row.id,
            fields=tuple(ChangeField(f) for f in row.asked_fields()),
            due_on=task.due_on,
            requested_kind=TaskKind(row.kind) if row.kind else None,
            requested_due_on=row.due_on,
            requested_at=now,
        ),
    )
    return row


async def approve_change_request(
    session: AsyncSession,
    *,
    row: ChangeRequest,
    data: ChangeApproval,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> ChangeRequest:
    """The office approves: the requested values are applied to the task in this
    transaction; emits ``task.change_decided``."""
    task = await _decidable(session, row, expected_version, actor)
    if row.due_on is not None:
        await refuse_unworkable_deadline(session, task=task, due_on=row.due_on, now=now)
    for name in row.asked_fields():
        setattr(task, name, getattr(row, name))
    task.version += 1
    task.updated_at = now
    return await _decided(session, row, task, APPROVED, data.opinion, actor, now)


async def reject_change_request(
    session: AsyncSession,
    *,
    row: ChangeRequest,
    data: ChangeRejection,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> ChangeRequest:
    """The office rejects with its opinion; the task keeps its values; emits
    ``task.change_decided``."""
    task = await _decidable(session, row, expected_version, actor)
    return await _decided(session, row, task, REJECTED, data.opinion, actor, now)


async def withdraw_change_request(
    session: AsyncSession,
    *,
    row: ChangeRequest,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> ChangeRequest:
    """The org withdraws its open request; emits ``task.change_withdrawn``."""
    require_own_org(actor, jurisdiction=row.jurisdiction, org_id=row.org_id)
    check_version(row.version, expected_version)
    _require_open_request(row)
    task = await repository.task_for_update(session, row.task_id)
    row.status = WITHDRAWN
    row.withdrawn_at = now
    row.version += 1
    row.updated_at = now
    await session.flush()
    await emit(
        session,
        TaskChangeWithdrawn(**_task_facts(task), change_request_id=row.id, withdrawn_at=now),
    )
    return row


def refuse_what_is_not_decided(task: Task, asked: dict[str, Any], decided: Sequence[str]) -> None:
    """422 naming the field for a request that asks nothing, asks for a field the org fills
    in by itself, touches a 立行立改 task's kind, or asks for the value the task has."""
    if not asked:
        raise Unprocessable(
            "请至少申请调整整改类型、整改时限、整改措施中的一项",
            "Ask to change at least one of kind, due_on and measures",
            field="kind",
            code="nothing-to-change",
        )
    if "kind" in asked and (task.immediate or asked["kind"] == TaskKind.immediate.value):
        raise Unprocessable(
            "立行立改由巡察组在巡察期间交办确定，整改类型不能调整；如需延期请申请调整整改时限",
            "Immediacy (立行立改) is the inspection's decision: the kind cannot change; "
            "ask for a later due_on instead",
            field="kind",
            code="kind-immediate-fixed",
        )
    for name, value in asked.items():
        if name not in decided:
            raise Unprocessable(
                f"该任务的{FIELD_ZH[name]}由本单位自行填写，无需申请调整",
                f"The org sets this task's {name} itself; there is nothing to request",
                field=name,
                code="not-decided",
            )
        if value == getattr(task, name):
            raise Unprocessable(
                f"申请的{FIELD_ZH[name]}与现有的相同",
                f"The requested {name} is the task's current one",
                field=name,
                code="unchanged",
            )


async def refuse_unworkable_deadline(
    session: AsyncSession, *, task: Task, due_on: date, now: datetime
) -> None:
    """The office's deadline rule for a requested deadline: a working day of the
    jurisdiction's calendar, not before today (nor the task's opening), within five years;
    else 422 naming ``due_on``."""
    today = local_day(now)
    if due_on < max(today, local_day(task.opened_at)) or due_on > today + MAX_HORIZON:
        raise Unprocessable(
            "申请的整改时限应在今天之后、五年之内",
            "The requested deadline must be from today on and within five years",
            field="due_on",
            code="bad-due-on",
        )
    calendar = await calendar_of(session, task.jurisdiction)
    if not calendar.is_workday(due_on):
        raise Unprocessable(
            f"申请的整改时限 {due_on.isoformat()} 不是工作日",
            f"The requested deadline {due_on.isoformat()} is not a working day",
            field="due_on",
            code="not-a-workday",
        )


def _asked(data: ChangeRequestCreate) -> dict[str, Any]:
    """The fields the request asks to change and their values, in the order of FIELD_ZH."""
    values: dict[str, Any] = {
        "kind": data.kind.value if data.kind else None,
        "due_on": data.due_on,
        "measures": data.measures,
    }
    return {name: values[name] for name in FIELD_ZH if values[name] is not None}


def _require_open_task(task: Task) -> None:
    if task.status != "open":
        raise Conflict(
            "任务已申请销号或已验收，不能再调整",
            "The task is claimed done or accepted and can no longer change",
            code="task-not-open",
        )


def _require_open_request(row: ChangeRequest) -> None:
    if row.status != OPEN:
        raise Conflict(
            f"该调整申请{STATUS_ZH[row.status]}，不能再审批或撤回",
            f"The change request is {row.status} and cannot be decided or withdrawn again",
            code="change-request-decided",
        )


async def _decidable(
    session: AsyncSession, row: ChangeRequest, expected_version: int, actor: Principal
) -> Task:
    require_office(actor, jurisdiction=row.jurisdiction)
    check_version(row.version, expected_version)
    _require_open_request(row)
    task = await repository.task_for_update(session, row.task_id)
    _require_open_task(task)
    return task


async def _decided(
    session: AsyncSession,
    row: ChangeRequest,
    task: Task,
    status: str,
    opinion: str | None,
    actor: Principal,
    now: datetime,
) -> ChangeRequest:
    row.status = status
    row.decided_at, row.decided_by, row.opinion = now, actor.subject, opinion
    row.version += 1
    row.updated_at = now
    await session.flush()
    await emit(
        session,
        TaskChangeDecided(
            **_task_facts(task),
            change_request_id=row.id,
            fields=tuple(ChangeField(f) for f in row.asked_fields()),
            outcome=ChangeOutcome(status),
            due_on=task.due_on,
            decided_at=now,
        ),
    )
    return row


def _task_facts(task: Task) -> dict[str, Any]:
    return {
        "jurisdiction": task.jurisdiction,
        "task_id": task.id,
        "plan_id": task.plan_id,
        "problem_id": task.problem_id,
        "round_id": task.round_id,
        "org_id": task.org_id,
        "kind": TaskKind(task.kind),
    }

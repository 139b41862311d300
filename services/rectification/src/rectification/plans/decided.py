"""What the office or the inspection decided on a task, which the inspected org cannot change
by itself (决定事项不得自行变更).

* A problem handed over for immediate rectification (立行立改) was decided so by the
  inspection: its kind and its deadline (set from the office's rules) are fixed; the org
  cannot turn it into a short-term task with a later deadline, nor make any other task
  "immediate" (the counts by kind must stay those findings fed back).
* Once the org has submitted its plan (整改方案已报送) the plan is the record the office
  and the supervisors follow: the kind, deadline and measures of every task are fixed.

Sending a field with its current value is no change and passes. A change is refused with a
403 naming the field and the way to ask instead: a change request on the task
(调整申请, ``POST /api/rectification/tasks/{task_id}/change-requests``), which the inspection
office approves or rejects (:mod:`rectification.change_requests`).
"""

from __future__ import annotations

from typing import Any

from xuncha_shared.events.rectification import TaskKind
from xuncha_shared.problems import Problem

from rectification.plans.models import SUBMITTED, Plan, Task

DECIDED_FOR_IMMEDIATE = ("kind", "due_on")
"""Fixed on a 立行立改 task from its hand-over."""
FIXED_ONCE_SUBMITTED = ("kind", "due_on", "measures")
"""Fixed on every task once the plan is submitted."""

FIELD_ZH = {"kind": "整改类型", "due_on": "整改时限", "measures": "整改措施"}
"""The decided fields, in the order they are checked (the first one changed is named)."""


class DecidedByOffice(Problem):
    """A 403: the field is the inspection's or the office's decision, not the org's."""

    status = 403
    code = "decided-by-office"
    title = "Forbidden"


CHANGE_REQUEST_ROUTE = "POST /api/rectification/tasks/{task_id}/change-requests"
"""Where the org asks the office for a change of a decided field instead."""


def decided_by_office(field: str, why_zh: str, why_en: str) -> DecidedByOffice:
    """The refusal naming ``field`` and the change request to file instead."""
    return DecidedByOffice(
        f"{why_zh}，被巡察党组织不能自行变更{FIELD_ZH[field]}；如确需调整，请提出调整申请"
        f"（{CHANGE_REQUEST_ROUTE}），由巡察办审批",
        f"{why_en}: the inspected org cannot change {field} by itself; file a change request "
        f"({CHANGE_REQUEST_ROUTE}), which the inspection office approves or rejects",
        field=field,
        extra={"change_request_route": CHANGE_REQUEST_ROUTE},
    )


def decided_fields(task: Task, plan: Plan) -> tuple[str, ...]:
    """The fields of ``task`` the org cannot change by itself and may only ask the office to
    change (调整申请), in the order of :data:`FIELD_ZH`."""
    fixed = set(DECIDED_FOR_IMMEDIATE) if task.immediate else set()
    if plan.status == SUBMITTED:
        fixed.update(FIXED_ONCE_SUBMITTED)
    return tuple(f for f in FIELD_ZH if f in fixed)


def refuse_changes_to_decided_fields(task: Task, plan: Plan, changes: dict[str, Any]) -> None:
    """Raise :class:`DecidedByOffice` for the first decided field ``changes`` alters."""
    for field in FIELD_ZH:
        if field not in changes:
            continue
        value = changes[field]
        value = value.value if hasattr(value, "value") else value
        if value == getattr(task, field):
            continue
        if task.immediate and field in DECIDED_FOR_IMMEDIATE:
            raise decided_by_office(
                field, "该问题为巡察期间交办的立行立改问题", "This is an immediate (立行立改) task"
            )
        if field == "kind" and value == TaskKind.immediate.value:
            raise decided_by_office(
                field,
                "立行立改由巡察组在巡察期间交办确定",
                "Only the inspection makes a task immediate (立行立改)",
            )
        if plan.status == SUBMITTED and field in FIXED_ONCE_SUBMITTED:
            raise decided_by_office(
                field, "整改方案已报送", "The rectification plan has been submitted"
            )

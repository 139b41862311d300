"""Who is who in findings (authorization per record).

* office, leadership, discipline and organization of a jurisdiction read all its problems
  (discipline reviews reports; organization receives feedback copies);
* a group member (token ``sub`` = a member account in the assignment projection) reads and
  writes the problems of his group's assignments only;
* an inspected org (``Role.inspected`` with ``org_id``) reads its own problems, immediate ones
  from hand-over, the others from feedback;
* departments and leaders see letters addressed or copied to them (see ``letters``).

A record the caller may not read is as good as missing (404). The SQL of these rules (which
problems a caller sees) is in ``access/repository.py``.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import (
    ProjectedAssignment,
    ProjectedRound,
    get_assignment,
    get_round,
    is_group_member,
)
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.planning import RoundStatus
from xuncha_shared.problems import Conflict, NotFound

from findings.models import ASSIGNMENTS

OVERSIGHT = frozenset({Role.office, Role.leadership, Role.discipline, Role.organization})
RECORDING_STATUSES = frozenset({RoundStatus.on_site, RoundStatus.reporting})


CLUE_AWARE = frozenset({Role.office, Role.leadership, Role.discipline, Role.group})


def sees_clue_links(principal: Principal) -> bool:
    """Whether the caller may learn that a problem or report led to a clue (ids and
    status): the office, leadership, discipline and the groups, never the inspected org or
    a department (that a clue exists is itself confidential to them)."""
    return principal.has(*CLUE_AWARE)


def office_of(principal: Principal, what_zh: str, what_en: str) -> Principal:
    """The caller, if he speaks for the inspection office; 403 otherwise."""
    if not principal.has(Role.office):
        raise Forbidden(f"只有巡察办可以{what_zh}", f"Only the inspection office may {what_en}")
    return principal


async def round_or_404(session: AsyncSession, round_id: uuid.UUID, field: str) -> ProjectedRound:
    found = await get_round(session, ASSIGNMENTS, round_id)
    if found is None:
        raise NotFound("轮次不存在（或尚未同步）", "No such round (or not yet synced)", field=field)
    return found


async def writable_assignment(
    session: AsyncSession,
    principal: Principal,
    assignment_id: uuid.UUID,
    *,
    field: str = "assignment_id",
    statuses: frozenset[RoundStatus] = RECORDING_STATUSES,
) -> tuple[ProjectedAssignment, ProjectedRound]:
    """An assignment the caller's group may record on now: 403 for a non-member, 404 for
    an unknown assignment, 409 when withdrawn or the round is not on site / reporting."""
    if not principal.has(Role.group):
        raise Forbidden("只有巡察组成员可以记录问题", "Only inspection group members record this")
    assignment = await get_assignment(session, ASSIGNMENTS, assignment_id)
    if assignment is None:
        raise NotFound("巡察任务不存在", "No such assignment", field=field)
    if not await is_group_member(
        session, ASSIGNMENTS, group_id=assignment.group_id, account=principal.subject
    ):
        raise Forbidden("只能处理本组巡察任务", "Only your own group's assignments")
    if not assignment.active:
        raise Conflict("巡察任务已撤回", "The assignment was withdrawn", field=field)
    round_ = await round_or_404(session, assignment.round_id, field)
    if round_.status not in statuses:
        raise round_stage_problem(round_.status, statuses, field=field)
    return assignment, round_


class RoundStagePending(Conflict):
    """The round has not reached a stage that allows this, as far as this service has heard.

    Rounds only move forward, and this service learns of each move from planning's events, a
    moment after planning makes it. So a round behind the allowed stages may already be there
    in planning: the client retries after ``Retry-After`` and stops after a few tries. A round
    past them (``round-stage``) never comes back, and is not worth a retry.
    """

    code = "round-stage-pending"
    retry_after_seconds = 1


def round_stage_problem(
    status: RoundStatus, allowed: frozenset[RoundStatus], *, field: str
) -> Conflict:
    """The 409 for a round outside the stages an operation allows: pending while it is
    still before them, final once it is past them."""
    order = list(RoundStatus)
    extra = {
        "round_status": status.value,
        "allowed_round_statuses": [s.value for s in order if s in allowed],
    }
    if order.index(status) < min(order.index(s) for s in allowed):
        return RoundStagePending(
            "本服务尚未收到本轮巡察进入可操作阶段的通知，请稍后重试",
            f"As far as this service has heard, the round is still {status.value}; "
            "retry shortly if it was just moved on",
            field=field,
            extra=extra,
        )
    return Conflict(
        "本轮巡察当前阶段不允许此操作",
        f"Not allowed while the round is {status.value}",
        field=field,
        code="round-stage",
        extra=extra,
    )


async def readable_assignment(
    session: AsyncSession, principal: Principal, assignment_id: uuid.UUID
) -> ProjectedAssignment:
    """An assignment the caller may read about (oversight of its jurisdiction or a member
    of its group); 404 otherwise."""
    assignment = await get_assignment(session, ASSIGNMENTS, assignment_id)
    if assignment is not None:
        round_ = await get_round(session, ASSIGNMENTS, assignment.round_id)
        if (
            round_ is not None
            and principal.has(*OVERSIGHT)
            and (round_.jurisdiction == principal.jurisdiction)
        ):
            return assignment
        if principal.has(Role.group) and await is_group_member(
            session, ASSIGNMENTS, group_id=assignment.group_id, account=principal.subject
        ):
            return assignment
    raise NotFound("巡察任务不存在", "No such assignment", field="assignment_id")

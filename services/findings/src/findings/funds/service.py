"""The funds comparison (三个数据比对) of a special round: for each project, what the higher
level allocated, what the unit paid out and what really reached the ground; the gaps between
them may become problems. Flush, never commit.

Turning gaps into problems records them as any problem is recorded (``problems``); so this
module only says which problems the gaps make, and the route records them with the problems
service, keeping each feature's service to its own records.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.findings import FoundBy
from xuncha_shared.problems import Conflict

from findings.access.policy import writable_assignment
from findings.funds import repository
from findings.funds.models import FundsProject
from findings.funds.schemas import FundsProjectCreate, FundsProjectRead, GapProblemsCreate
from findings.problems.schemas import ProblemFields

ZERO = Decimal("0.00")


def gaps(project: FundsProject) -> tuple[Decimal, Decimal]:
    """(allocated − paid out, paid out − delivered): money held back by the unit, and money
    paid out that never reached the people."""
    return (
        project.allocated_yuan - project.paid_out_yuan,
        project.paid_out_yuan - project.delivered_yuan,
    )


async def reads(session: AsyncSession, projects: Sequence[FundsProject]) -> list[FundsProjectRead]:
    """API views of projects, with their gaps and the problems those became."""
    linked = await repository.gap_problem_ids(session, [p.id for p in projects])
    out = []
    for p in projects:
        unpaid, undelivered = gaps(p)
        out.append(
            FundsProjectRead(
                id=p.id,
                assignment_id=p.assignment_id,
                name=p.name,
                allocated_yuan=p.allocated_yuan,
                paid_out_yuan=p.paid_out_yuan,
                delivered_yuan=p.delivered_yuan,
                unpaid_gap_yuan=unpaid,
                undelivered_gap_yuan=undelivered,
                problem_ids=linked[p.id],
                note=p.note,
                created_at=p.created_at,
            )
        )
    return out


async def add_project(
    session: AsyncSession,
    *,
    assignment_id: uuid.UUID,
    data: FundsProjectCreate,
    actor: Principal,
    now: datetime,
) -> FundsProject:
    """Record the three figures of one project on the caller's assignment."""
    _, round_ = await writable_assignment(session, actor, assignment_id)
    project = FundsProject(
        jurisdiction=round_.jurisdiction,
        assignment_id=assignment_id,
        name=data.name,
        allocated_yuan=data.allocated_yuan,
        paid_out_yuan=data.paid_out_yuan,
        delivered_yuan=data.delivered_yuan,
        note=data.note,
        created_by=actor.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(project)
    await session.flush()
    return project


async def gap_problem_fields(
    session: AsyncSession, *, project: FundsProject, data: GapProblemsCreate
) -> list[ProblemFields]:
    """The problems a project's positive gaps make, carrying the amount (at most one per
    gap); 409 once they have been recorded."""
    if await repository.has_gap_problems(session, project.id):
        raise Conflict(
            "该项目的差额已形成问题",
            "This project's gaps are already problems",
            code="gaps-recorded",
        )
    unpaid, undelivered = gaps(project)
    items = []
    if unpaid > ZERO:
        items.append(
            ProblemFields(
                category=data.category,
                description=f"{project.name}：上级拨付 {project.allocated_yuan} 元，单位仅支出 "
                f"{project.paid_out_yuan} 元，{unpaid} 元未按规定拨付使用。",
                found_by=FoundBy.records,
                immediate=data.immediate,
                livelihood=data.livelihood,
                amount_yuan=unpaid,
            )
        )
    if undelivered > ZERO:
        items.append(
            ProblemFields(
                category=data.category,
                description=f"{project.name}：单位支出 {project.paid_out_yuan} 元，实际落地仅 "
                f"{project.delivered_yuan} 元，{undelivered} 元未落实到位。",
                found_by=FoundBy.records,
                immediate=data.immediate,
                livelihood=data.livelihood,
                amount_yuan=undelivered,
            )
        )
    return items

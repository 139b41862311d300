"""Feedback (反馈): the approved problem list handed to the inspected org, copied to
discipline and organization, as one ``feedback.issued`` event carrying every problem of the
assignment (immediate ones flagged: rectification already has tasks for them). After it,
the problems are read-only except annotations."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import get_assignment
from xuncha_shared.auth import Principal
from xuncha_shared.events.findings import FeedbackIssued, FeedbackProblem
from xuncha_shared.messaging import emit
from xuncha_shared.orgs import OrgKind
from xuncha_shared.problems import Conflict, NotFound

from findings.access.policy import office_of, round_or_404
from findings.feedback import repository
from findings.feedback.models import Feedback
from findings.models import ASSIGNMENTS
from findings.settings import effective as jurisdiction_settings


async def issue(
    session: AsyncSession,
    *,
    assignment_id: uuid.UUID,
    copied_to_org_ids: list[uuid.UUID] | None,
    actor: Principal,
    now: datetime,
) -> Feedback:
    """Issue the feedback of an assignment (the office; once; its report approved)."""
    office_of(actor, "反馈", "issue feedback")
    assignment = await get_assignment(session, ASSIGNMENTS, assignment_id)
    round_ = (
        await round_or_404(session, assignment.round_id, "assignment_id") if assignment else None
    )
    if assignment is None or round_ is None or round_.jurisdiction != actor.jurisdiction:
        raise NotFound("巡察任务不存在", "No such assignment", field="assignment_id")
    if await repository.issued_for(session, assignment_id):
        raise Conflict("已反馈", "Feedback was already issued", code="feedback-issued")
    report = await repository.approved_report_for(
        session, assignment_id=assignment_id, round_id=assignment.round_id, org_id=assignment.org_id
    )
    if report is None:
        raise Conflict(
            "巡察报告尚未经书记专题会审定，不能反馈",
            "The report has not been approved yet",
            code="report-not-approved",
        )
    if copied_to_org_ids is None:
        copied_to_org_ids = (
            await jurisdiction_settings.effective(session, actor.jurisdiction)
        ).feedback_copy_org_ids
    problems = await repository.problems_for_update(session, assignment_id)
    feedback = Feedback(
        jurisdiction=round_.jurisdiction,
        assignment_id=assignment_id,
        round_id=assignment.round_id,
        org_id=assignment.org_id,
        report_id=report.id,
        copied_to_org_ids=list(copied_to_org_ids),
        problem_count=len(problems),
        immediate_count=sum(p.immediate for p in problems),
        issued_by=actor.subject,
        issued_at=now,
    )
    session.add(feedback)
    await session.flush()
    await repository.mark_fed_back(session, assignment_id, feedback_id=feedback.id, now=now)
    await emit(
        session,
        FeedbackIssued(
            jurisdiction=round_.jurisdiction,
            feedback_id=feedback.id,
            round_id=assignment.round_id,
            assignment_id=assignment_id,
            org_id=assignment.org_id,
            org_kind=OrgKind(assignment.org_kind),
            copied_to_org_ids=tuple(copied_to_org_ids),
            problems=tuple(
                FeedbackProblem(
                    problem_id=p.id,
                    category=p.category,
                    category_name=p.category_name,
                    description=p.description,
                    immediate=p.immediate,
                    livelihood=p.livelihood,
                    amount_yuan=p.amount_yuan,
                )
                for p in problems
            ),
            issued_at=now,
        ),
    )
    for p in problems:
        session.expire(p)
    return feedback

"""Plans and tasks opened from findings' events: an immediate problem's hand-over opens
its task at once; feedback opens the plan's deadlines and a task for every problem that
has none yet.

The two arrive on different partitions (keyed by problem and by org), in any order and
possibly twice. Both paths insert with ``ON CONFLICT DO NOTHING`` on the natural keys
(one plan per round and org, one task per problem), so every order and every redelivery
ends with one plan and one task per problem, and the events of a creation go out only
from the transaction that created it.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.findings import FeedbackIssued, ProblemHandedOver
from xuncha_shared.events.rectification import PlanOpened, TaskKind, TaskOpened
from xuncha_shared.messaging import emit
from xuncha_shared.workdays import local_day

from rectification.dates import add_months, calendar_of
from rectification.plans import repository
from rectification.plans.models import AWAITING_FEEDBACK, DRAFTING, Plan
from rectification.rules.repository import effective_rules


async def open_immediate_task(session: AsyncSession, event: ProblemHandedOver) -> None:
    """Open the task of a problem handed over for immediate rectification (立行立改), in the
    org's plan for the round (opened now if needed). Due a few working days after the
    hand-over (the office's rules); the org cannot change its kind or deadline by itself
    (:mod:`rectification.plans.decided`)."""
    at = event.handed_over_at
    # The plan is announced (plan.opened) at feedback, with its deadlines; until then it only
    # holds the immediate tasks, each announced by its own task.opened.
    plan, _ = await repository.open_plan(
        session,
        jurisdiction=event.jurisdiction,
        round_id=event.round_id,
        org_id=event.org_id,
        assignment_id=event.assignment_id,
        status=AWAITING_FEEDBACK,
        at=at,
    )
    rules = await effective_rules(session, plan.jurisdiction)
    calendar = await calendar_of(session, plan.jurisdiction)
    due = calendar.add_workdays(local_day(at), rules.immediate_due_workdays).due
    task_id = await repository.insert_task(
        session,
        plan,
        problem_id=event.problem_id,
        category=event.category,
        category_name=event.category_name,
        description=event.description,
        immediate=True,
        livelihood=event.livelihood,
        kind=TaskKind.immediate.value,
        due_on=due,
        opened_at=at,
        updated_at=at,
    )
    if task_id is not None:
        await _task_opened(
            session,
            plan,
            task_id,
            event.problem_id,
            TaskKind.immediate,
            category=event.category,
            livelihood=event.livelihood,
        )


async def open_plan_from_feedback(session: AsyncSession, event: FeedbackIssued) -> None:
    """At feedback (反馈): the org's plan gets its deadlines (plan due N working days later,
    the concentrated period and the report after it) and a task for every problem without
    one. Emits ``plan.opened`` the first time this feedback reaches the plan."""
    at = event.issued_at
    plan, _ = await repository.open_plan(
        session,
        jurisdiction=event.jurisdiction,
        round_id=event.round_id,
        org_id=event.org_id,
        assignment_id=event.assignment_id,
        status=AWAITING_FEEDBACK,
        at=at,
    )
    first_feedback = plan.feedback_id is None
    if first_feedback:
        rules = await effective_rules(session, plan.jurisdiction)
        calendar = await calendar_of(session, plan.jurisdiction)
        day = local_day(at)
        plan.feedback_id = event.feedback_id
        plan.feedback_at = at
        plan.plan_due_on = calendar.add_workdays(day, rules.plan_due_workdays).due
        plan.period_ends_on = add_months(day, rules.period_months)
        plan.report_due_on = calendar.add_workdays(
            plan.period_ends_on, rules.report_due_workdays
        ).due
        plan.status = DRAFTING
        plan.version += 1
        plan.updated_at = at
    for problem in event.problems:
        kind = TaskKind.immediate if problem.immediate else TaskKind.short
        task_id = await repository.insert_task(
            session,
            plan,
            problem_id=problem.problem_id,
            category=problem.category,
            category_name=problem.category_name,
            description=problem.description,
            immediate=problem.immediate,
            livelihood=problem.livelihood,
            kind=kind.value,
            due_on=plan.period_ends_on,
            opened_at=at,
            updated_at=at,
        )
        if task_id is not None:
            await _task_opened(
                session,
                plan,
                task_id,
                problem.problem_id,
                kind,
                category=problem.category,
                livelihood=problem.livelihood,
            )
    await session.flush()
    if first_feedback:
        await emit(
            session,
            PlanOpened(
                jurisdiction=plan.jurisdiction,
                plan_id=plan.id,
                round_id=plan.round_id,
                org_id=plan.org_id,
                feedback_id=event.feedback_id,
                task_count=await repository.task_count(session, plan.id),
                plan_due_on=plan.plan_due_on,
                period_ends_on=plan.period_ends_on,
            ),
        )


async def _task_opened(
    session: AsyncSession,
    plan: Plan,
    task_id: uuid.UUID,
    problem_id: uuid.UUID,
    kind: TaskKind,
    *,
    category: str,
    livelihood: bool,
) -> None:
    await emit(
        session,
        TaskOpened(
            jurisdiction=plan.jurisdiction,
            task_id=task_id,
            plan_id=plan.id,
            problem_id=problem_id,
            round_id=plan.round_id,
            org_id=plan.org_id,
            kind=kind,
            category=category,
            livelihood=livelihood,
        ),
    )

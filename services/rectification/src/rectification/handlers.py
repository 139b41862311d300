"""Events the rectification service consumes, one handler per type."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import register_assignment_projection
from xuncha_shared.calendar import register_calendar_projection
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.findings import FeedbackIssued, ProblemHandedOver
from xuncha_shared.projections import register_org_projection
from xuncha_shared.roster_projection import register_roster_projection

from rectification.models import ASSIGNMENTS, CALENDAR, ORGS, ROSTER
from rectification.plans.opening import open_immediate_task, open_plan_from_feedback


async def on_problem_handed_over(
    session: AsyncSession, event: ProblemHandedOver, meta: EventMeta
) -> None:
    """An immediate problem (立行立改) reaches the org: open its task now."""
    await open_immediate_task(session, event)


async def on_feedback_issued(session: AsyncSession, event: FeedbackIssued, meta: EventMeta) -> None:
    """Feedback (反馈): open the org's plan, its deadlines and a task per problem."""
    await open_plan_from_feedback(session, event)


def build_handlers() -> HandlerRegistry:
    handlers = HandlerRegistry()
    register_org_projection(handlers, ORGS)
    register_roster_projection(handlers, ROSTER)
    register_calendar_projection(handlers, CALENDAR)
    register_assignment_projection(handlers, ASSIGNMENTS)
    handlers.register(ProblemHandedOver, on_problem_handed_over)
    handlers.register(FeedbackIssued, on_feedback_issued)
    return handlers

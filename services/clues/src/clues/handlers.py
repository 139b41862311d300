"""Events the clues service consumes, one handler per type: the projections of other services
this one reads (orgs, calendar, assignments, and the problems and public reports a clue may
come from). Every handler is an upsert, so a redelivered event changes nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import register_assignment_projection
from xuncha_shared.calendar import register_calendar_projection
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.db import upsert
from xuncha_shared.events.findings import (
    ProblemRecorded,
    PublicReportReceived,
    PublicReportTriaged,
)
from xuncha_shared.projections import register_org_projection

from clues.models import ASSIGNMENTS, CALENDAR, ORGS, PROBLEMS, REPORTS


async def on_problem_recorded(
    session: AsyncSession, event: ProblemRecorded, meta: EventMeta
) -> None:
    """Remember where a problem belongs, so a group can propose a clue from it."""
    values = {
        "id": event.problem_id,
        "jurisdiction": event.jurisdiction,
        "assignment_id": event.assignment_id,
        "round_id": event.round_id,
        "group_id": event.group_id,
        "org_id": event.org_id,
    }
    await session.execute(upsert(PROBLEMS, values))


async def on_public_report(
    session: AsyncSession, event: PublicReportReceived | PublicReportTriaged, meta: EventMeta
) -> None:
    """Remember a public report's round and org, so a group of that round can propose a clue."""
    values = {
        "id": event.report_id,
        "jurisdiction": event.jurisdiction,
        "round_id": event.round_id,
        "org_id": event.org_id,
    }
    await session.execute(upsert(REPORTS, values))


def build_handlers() -> HandlerRegistry:
    handlers = HandlerRegistry()
    register_org_projection(handlers, ORGS)
    register_calendar_projection(handlers, CALENDAR)
    register_assignment_projection(handlers, ASSIGNMENTS)
    handlers.register(ProblemRecorded, on_problem_recorded)
    handlers.register(PublicReportReceived, on_public_report)
    handlers.register(PublicReportTriaged, on_public_report)
    return handlers

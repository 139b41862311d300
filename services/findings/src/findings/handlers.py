"""Events the findings service consumes, one handler per type."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import register_assignment_projection
from xuncha_shared.calendar import register_calendar_projection
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.db import upsert
from xuncha_shared.events import clues as clue_events
from xuncha_shared.events.clues import ClueEvent
from xuncha_shared.projections import register_org_projection

from findings.models import ASSIGNMENTS, CALENDAR, ORGS, ClueLink
from findings.public_reports.protection import erase_report_for_proposed_clue


async def on_clue_event(session: AsyncSession, event: ClueEvent, meta: EventMeta) -> None:
    """Which clues came from a problem or a public report, from the clues service's events:
    ids and status only (clue content never leaves the clues service). Keeps the newest
    status of a clue that names a findings source; idempotent and safe against out-of-order
    delivery (the clue's version guards the upsert). A clue proposed from a public report by
    a group of its round erases the report's text here, in the transaction that records the
    event in the inbox."""
    if event.source_problem_id is None and event.source_report_id is None:
        return
    table: Table = ClueLink.__table__  # type: ignore[attr-defined]
    values = {
        "clue_id": event.clue_id,
        "jurisdiction": event.jurisdiction,
        "source_problem_id": event.source_problem_id,
        "source_report_id": event.source_report_id,
        "group_id": event.group_id,
        "status": event.status.value,
        "version": event.version,
        "updated_at": meta.time,
    }
    await session.execute(upsert(table, values, key=("clue_id",), newer="version"))
    await erase_report_for_proposed_clue(session, event)


def build_handlers() -> HandlerRegistry:
    handlers = HandlerRegistry()
    register_org_projection(handlers, ORGS)
    register_calendar_projection(handlers, CALENDAR)
    register_assignment_projection(handlers, ASSIGNMENTS)
    for cls in clue_events.EVENTS:
        if issubclass(cls, ClueEvent):
            handlers.register(cls, on_clue_event)
    return handlers

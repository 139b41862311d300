"""Events the findings service consumes, one handler per type."""

from __future__ import annotations

from xuncha_shared.assignments import register_assignment_projection
from xuncha_shared.calendar import register_calendar_projection
from xuncha_shared.consumer import HandlerRegistry
from xuncha_shared.projections import register_org_projection

from findings.common.clue_links import register_clue_links
from findings.models import ASSIGNMENTS, CALENDAR, ORGS


def build_handlers() -> HandlerRegistry:
    handlers = HandlerRegistry()
    register_org_projection(handlers, ORGS)
    register_calendar_projection(handlers, CALENDAR)
    register_assignment_projection(handlers, ASSIGNMENTS)
    register_clue_links(handlers)
    return handlers

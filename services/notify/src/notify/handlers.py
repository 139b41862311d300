"""Events the notify service consumes: every type of every producer's topic.

One generic handler routes any event through the rules (so a type added to the catalog is
routable as soon as a rule names it); the org and calendar projections and the directory
(which follows the account ledger) run first for the types they keep.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.calendar import register_calendar_projection
from xuncha_shared.consumer import EventMeta, Handler, HandlerRegistry
from xuncha_shared.events.base import Event
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.projections import register_org_projection

from notify.config import NotifySettings
from notify.directory.handlers import register_account_projection
from notify.models import CALENDAR, ORGS
from notify.routing.service import route_event


def build_handlers(settings: NotifySettings) -> HandlerRegistry:
    projections = HandlerRegistry()
    register_org_projection(projections, ORGS)
    register_calendar_projection(projections, CALENDAR)
    register_account_projection(projections)

    def for_type(projection: Handler | None) -> Handler:
        async def notify_on_event(session: AsyncSession, event: Any, meta: EventMeta) -> None:
            """Keep the projections, then record the notifications the rules call for."""
            if projection is not None:
                await projection(session, event, meta)
            if isinstance(event, Event):
                await route_event(session, event=event, meta=meta, settings=settings)

        return notify_on_event

    handlers = HandlerRegistry()
    for type_, cls in CATALOG.items():
        handlers.register(cls, for_type(projections.get(type_)))
    return handlers

"""Events the notify service consumes, one handler per type."""

from __future__ import annotations

from xuncha_shared.consumer import HandlerRegistry
from xuncha_shared.projections import register_org_projection

from notify.models import ORGS


def build_handlers() -> HandlerRegistry:
    handlers = HandlerRegistry()
    register_org_projection(handlers, ORGS)
    return handlers

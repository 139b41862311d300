"""Events the accounts service consumes: the org registry, to check an account's org."""

from __future__ import annotations

from xuncha_shared.consumer import HandlerRegistry
from xuncha_shared.projections import register_org_projection

from accounts.models import ORGS


def build_handlers() -> HandlerRegistry:
    handlers = HandlerRegistry()
    register_org_projection(handlers, ORGS)
    return handlers

"""Events planning consumes. None yet: planning is the source of the org registry."""

from __future__ import annotations

from xuncha_shared.consumer import HandlerRegistry


def build_handlers() -> HandlerRegistry:
    return HandlerRegistry()

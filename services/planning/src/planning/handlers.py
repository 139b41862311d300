"""Events planning consumes: the other services' countable facts, for the office's figures
(planning is itself the source of orgs, terms and rounds)."""

from __future__ import annotations

from xuncha_shared.consumer import HandlerRegistry

from planning.figures.handlers import register_figure_projection


def build_handlers() -> HandlerRegistry:
    handlers = HandlerRegistry()
    register_figure_projection(handlers)
    return handlers

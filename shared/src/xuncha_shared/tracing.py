"""Trace context: a W3C ``traceparent`` per request or event, carried into logs and events."""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

current_traceparent: ContextVar[str | None] = ContextVar("traceparent", default=None)


def new_traceparent(trace_id: str | None = None) -> str:
    """A fresh span id, in the given trace or a new one."""
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def parse_traceparent(value: str | None) -> str | None:
    """The trace id of a valid ``traceparent`` header, else None."""
    if not value:
        return None
    m = _TRACEPARENT.match(value.strip().lower())
    return m.group(1) if m else None


def trace_id() -> str | None:
    """The trace id of the work in progress, for log lines."""
    return parse_traceparent(current_traceparent.get())

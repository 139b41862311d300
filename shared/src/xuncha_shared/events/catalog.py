"""The one catalog of event types: every producer's module, looked up by type."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from xuncha_shared.events import accounts, clues, findings, planning, rectification
from xuncha_shared.events.base import CloudEvent, Event

PRODUCER_MODULES = (planning, findings, clues, rectification, accounts)


def _collect() -> Mapping[str, type[Event]]:
    types: dict[str, type[Event]] = {}
    for module in PRODUCER_MODULES:
        for cls in module.EVENTS:
            if cls.type in types:
                raise RuntimeError(f"event type {cls.type} defined twice")
            types[cls.type] = cls
    return MappingProxyType(types)


CATALOG: Mapping[str, type[Event]] = _collect()


def event_class(type_: str) -> type[Event] | None:
    """The model for an event type, or None for a type this build does not know."""
    return CATALOG.get(type_)


def decode(cloud_event: CloudEvent) -> Event | None:
    """The typed event inside an envelope, as this build's catalog reads it; None when the
    type is unknown (consumers skip types they do not handle, so producers can add types
    without breaking them) and unknown fields ignored (so producers can add fields)."""
    cls = event_class(cloud_event.type)
    if cls is None:
        return None
    return cls.from_cloud_event(cloud_event)

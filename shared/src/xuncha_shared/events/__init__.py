"""Domain events: the envelope, the base class and one catalog module per producer."""

from xuncha_shared.events.base import CloudEvent, Event, envelope

__all__ = ["CloudEvent", "Event", "envelope"]

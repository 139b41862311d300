"""Handlers of one service, one per event type, and what a handler is given besides its
event."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.events.base import Event


@dataclass(frozen=True)
class EventMeta:
    """Envelope facts a handler may need besides the event itself."""

    event_id: uuid.UUID
    time: datetime
    source: str
    traceparent: str | None


Handler = Callable[[AsyncSession, Any, EventMeta], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, Sequence[tuple[Any, EventMeta]]], Awaitable[None]]
"""Several events of one type at once, in delivery order, with the same effect as the
type's handler applied to each in turn: set-based SQL instead of a round trip per event."""


class HandlerRegistry:
    """Handlers of one service, one per event type, each with the event class it was
    registered for.

    The consumer reads an event as that class, not as whatever the catalog holds under the
    type: it is the version of the event this handler was written against, which in a
    rolling upgrade may be older or newer than the producer's.
    """

    def __init__(self) -> None:
        self._handlers: dict[str, tuple[type[Event], Handler]] = {}
        self._batch_handlers: dict[str, BatchHandler] = {}

    def register(self, event_cls: type[Event], handler: Handler) -> None:
        if event_cls.type in self._handlers:
            raise ValueError(f"two handlers for {event_cls.type}")
        self._handlers[event_cls.type] = (event_cls, handler)

    def on(self, *event_classes: type[Event]) -> Callable[[Handler], Handler]:
        """Decorator: ``@handlers.on(OrgRegistered, OrgUpdated)``."""

        def decorate(fn: Handler) -> Handler:
            for cls in event_classes:
                self.register(cls, fn)
            return fn

        return decorate

    def on_batch(self, *event_classes: type[Event]) -> Callable[[BatchHandler], BatchHandler]:
        """Decorator: a :data:`BatchHandler` for types that already have a handler. The
        consumer hands it consecutive events of a batch; when it raises, the consumer runs
        the one-event handler on each instead, to find the event at fault."""

        def decorate(fn: BatchHandler) -> BatchHandler:
            for cls in event_classes:
                if cls.type not in self._handlers:
                    raise ValueError(f"a batch handler needs a handler first: {cls.type}")
                self._batch_handlers[cls.type] = fn
            return fn

        return decorate

    def batch_handler(self, type_: str) -> BatchHandler | None:
        return self._batch_handlers.get(type_)

    def get(self, type_: str) -> Handler | None:
        registered = self._handlers.get(type_)
        return registered[1] if registered else None

    def registration(self, type_: str) -> tuple[type[Event], Handler] | None:
        """The event class and handler for a type, or None for a type this service ignores."""
        return self._handlers.get(type_)

    @property
    def topics_from(self) -> set[str]:
        """Producing services whose topics this registry needs."""
        return {t.split(".")[1] for t in self._handlers}

    def __contains__(self, type_: object) -> bool:
        return type_ in self._handlers

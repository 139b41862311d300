"""Reading a delivered message as the event its handler was written against."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.consumer.poison import PoisonMessage, check_event_from_its_producer_topic
from xuncha_shared.consumer.registry import BatchHandler, EventMeta, Handler, HandlerRegistry
from xuncha_shared.events.base import CloudEvent
from xuncha_shared.tracing import current_traceparent


@dataclass(frozen=True)
class DecodedEvent:
    """A message this service handles: its envelope, its event and the handler for it."""

    cloud_event: CloudEvent
    event: Any
    handler: Handler
    batch_handler: BatchHandler | None = None

    @property
    def meta(self) -> EventMeta:
        ce = self.cloud_event
        return EventMeta(event_id=ce.id, time=ce.time, source=ce.source, traceparent=ce.traceparent)


def decode_event(
    raw: bytes, *, topic: str | None, handlers: HandlerRegistry
) -> DecodedEvent | None:
    """The message as its handler's event class, or None for a type this service ignores.

    ``topic`` is where the message was read; an event there that its producer does not
    publish raises :class:`ForgedEvent` (see :func:`check_event_from_its_producer_topic`).
    Only the service's own code hands an event in without a topic (tests applying an event
    directly).

    Raises:
        PoisonMessage: not a CloudEvent, a forgery, or data the handler's class rejects.
    """
    try:
        cloud_event = CloudEvent.from_json_bytes(raw)
    except ValidationError as exc:
        raise PoisonMessage("not a CloudEvent") from exc
    if topic is not None:
        check_event_from_its_producer_topic(cloud_event.type, topic)
    registered = handlers.registration(cloud_event.type)
    if registered is None:
        return None
    event_cls, handler = registered
    try:
        # Unknown fields are a newer producer and are ignored; what this class requires
        # and cannot find is a message that will never apply.
        event = event_cls.from_cloud_event(cloud_event)
    except ValidationError as exc:
        raise PoisonMessage(f"{cloud_event.type} data rejected by the catalog") from exc
    return DecodedEvent(
        cloud_event=cloud_event,
        event=event,
        handler=handler,
        batch_handler=handlers.batch_handler(cloud_event.type),
    )


async def run_batch_handler(session: AsyncSession, decoded: Sequence[DecodedEvent]) -> None:
    """Run the events' batch handler (they share it) on all of them, and flush."""
    batch_handler = decoded[0].batch_handler
    assert batch_handler is not None
    await batch_handler(session, [(d.event, d.meta) for d in decoded])
    await session.flush()


async def run_handler(session: AsyncSession, decoded: DecodedEvent) -> None:
    """Run the event's handler under the event's trace, and flush what it wrote (a flush
    error is the handler's failure, not its batch's)."""
    token = current_traceparent.set(decoded.cloud_event.traceparent)
    try:
        await decoded.handler(session, decoded.event, decoded.meta)
        await session.flush()
    finally:
        current_traceparent.reset(token)

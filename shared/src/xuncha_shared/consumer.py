"""The consumer loop: inbox dedupe in the handler's transaction, offsets committed after.

For each delivery: decode the CloudEvent; if the service handles its type, read ``data`` as
the handler's event class (fields it does not know are a newer producer's additions and are
ignored, never a reason to dead-letter), open a transaction, insert ``(consumer, event_id)``
into the inbox (a redelivery hits the primary key and does nothing), run the handler,
commit. Only after the batch is in the database are the offsets committed, so a crash
redelivers and the inbox makes that harmless. A failing handler is retried with exponential
backoff; after ``max_attempts`` the message goes to the service's dead-letter topic with the
error and the loop moves on.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from xuncha_shared.bus.base import Bus, BusMessage, BusUnavailable, Delivery, Subscription
from xuncha_shared.clock import Clock
from xuncha_shared.events.base import CloudEvent, Event
from xuncha_shared.messaging import MessagingTables
from xuncha_shared.observability import Metrics
from xuncha_shared.settings import producer_of_topic
from xuncha_shared.tracing import current_traceparent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventMeta:
    """Envelope facts a handler may need besides the event itself."""

    event_id: uuid.UUID
    time: datetime
    source: str
    traceparent: str | None


Handler = Callable[[AsyncSession, Any, EventMeta], Awaitable[None]]


class PoisonMessage(Exception):
    """A message that can never be handled (not a CloudEvent, or data the catalog rejects)."""


class ForgedEvent(PoisonMessage):
    """An event on a topic its type's producer does not publish: whoever wrote it there is
    not that producer, so it is dead-lettered and never applied."""


def handler_error_is_retried(exc: BaseException) -> bool:
    """The rule "a handler failure is retried, a cancellation never is".

    Only an ``Exception`` a handler raised may be passing (a deadlock, a lost connection),
    and never a :class:`PoisonMessage`. A ``CancelledError`` (the consumer's task being
    stopped) or any other ``BaseException`` must end the consumer: tenacity's attempt
    swallows whatever its block raises, so retrying it would turn a stop into a retry and
    leave the consumer reading on for ever.
    """
    return isinstance(exc, Exception) and not isinstance(exc, PoisonMessage)


def event_type_producer(type_: str) -> str:
    """The service that produces an event type: its second segment
    (``xuncha.planning.group.membership_changed.v1`` → ``planning``)."""
    parts = type_.split(".")
    return parts[1] if len(parts) > 2 else ""


def check_event_from_its_producer_topic(type_: str, topic: str) -> None:
    """The rule "an event type is accepted only from its producer's topic".

    Each service writes only its own topic (the broker's ACLs enforce it), so the topic is
    the one thing about a message its writer cannot choose; the type and the ``source`` in
    the envelope are whatever the writer typed. A ``group.membership_changed`` read from
    any topic but planning's is therefore a forgery.

    Raises:
        ForgedEvent: the type's producer is not the topic's.
    """
    producer, topic_producer = event_type_producer(type_), producer_of_topic(topic)
    if producer != topic_producer:
        raise ForgedEvent(
            f"event type {type_[:120]!r} is produced by {producer or 'no service'!r} "
            f"and accepted only from its topic, not from {topic[:120]!r}"
        )


class HandlerRegistry:
    """Handlers of one service, one per event type, each with the event class it was
    registered for.

    The consumer reads an event as that class, not as whatever the catalog holds under the
    type: it is the version of the event this handler was written against, which in a
    rolling upgrade may be older or newer than the producer's.
    """

    def __init__(self) -> None:
        self._handlers: dict[str, tuple[type[Event], Handler]] = {}

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


@dataclass(frozen=True)
class DeadLetter:
    """A message that failed every attempt, as kept on the dead-letter topic."""

    original_topic: str
    key: str
    value: bytes
    error: str
    attempts: int
    consumer: str
    failed_at: datetime

    def to_message(self, dlq_topic: str) -> BusMessage:
        return BusMessage(
            topic=dlq_topic,
            key=self.key,
            value=self.value,
            headers=(
                ("x-original-topic", self.original_topic.encode()),
                ("x-error", self.error.encode()),
                ("x-attempts", str(self.attempts).encode()),
                ("x-consumer", self.consumer.encode()),
                ("x-failed-at", self.failed_at.isoformat().encode()),
            ),
        )

    @classmethod
    def from_message(cls, message: BusMessage) -> DeadLetter:
        h = {k: v.decode() for k, v in message.headers}
        return cls(
            original_topic=h.get("x-original-topic", ""),
            key=message.key,
            value=message.value,
            error=h.get("x-error", ""),
            attempts=int(h.get("x-attempts", "0")),
            consumer=h.get("x-consumer", ""),
            failed_at=datetime.fromisoformat(h["x-failed-at"])
            if "x-failed-at" in h
            else datetime.min.replace(tzinfo=UTC),
        )


def describe_error(exc: BaseException) -> str:
    """What goes on a dead letter: the error's class and its message, shortened. Handlers
    never put confidential data in exception messages."""
    return f"{type(exc).__name__}: {str(exc)[:500]}"


class EventConsumer:
    """One service's consumer of other services' topics."""

    def __init__(
        self,
        *,
        name: str,
        bus: Bus,
        sessionmaker: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        handlers: HandlerRegistry,
        topics: Sequence[str],
        group: str,
        dlq_topic: str,
        clock: Clock,
        metrics: Metrics | None = None,
        max_attempts: int = 5,
        backoff_seconds: float = 0.2,
        backoff_max_seconds: float = 10.0,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
    ) -> None:
        self.name = name
        self._bus = bus
        self._sessionmaker = sessionmaker
        self._tables = tables
        self._handlers = handlers
        self._topics = list(topics)
        self._group = group
        self._dlq_topic = dlq_topic
        self._clock = clock
        self.metrics = metrics
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._backoff_max = backoff_max_seconds
        self._batch_size = batch_size
        self._poll = poll_seconds

    @property
    def topics(self) -> list[str]:
        return self._topics

    async def apply(self, raw: bytes, *, topic: str | None = None) -> bool:
        """Handle one message in one transaction with its inbox row. Returns False when the
        event was already handled (or is of a type this service ignores).

        ``topic`` is where the message was read; an event there that its producer does not
        publish raises :class:`ForgedEvent` (see :func:`check_event_from_its_producer_topic`).
        Only the service's own code hands an event in without a topic (tests applying an
        event directly)."""
        try:
            cloud_event = CloudEvent.from_json_bytes(raw)
        except ValidationError as exc:
            raise PoisonMessage("not a CloudEvent") from exc
        if topic is not None:
            check_event_from_its_producer_topic(cloud_event.type, topic)
        registered = self._handlers.registration(cloud_event.type)
        if registered is None:
            return False
        event_cls, handler = registered
        try:
            # Unknown fields are a newer producer and are ignored; what this class requires
            # and cannot find is a message that will never apply.
            event = event_cls.from_cloud_event(cloud_event)
        except ValidationError as exc:
            raise PoisonMessage(f"{cloud_event.type} data rejected by the catalog") from exc
        token = current_traceparent.set(cloud_event.traceparent)
        try:
            async with self._sessionmaker() as session, session.begin():
                inserted = await session.execute(
                    insert(self._tables.inbox)
                    .values(
                        consumer=self.name,
                        event_id=cloud_event.id,
                        event_type=cloud_event.type,
                        handled_at=self._clock.now(),
                    )
                    .on_conflict_do_nothing()
                    .returning(self._tables.inbox.c.event_id)
                )
                if inserted.first() is None:
                    return False
                await handler(
                    session,
                    event,
                    EventMeta(
                        event_id=cloud_event.id,
                        time=cloud_event.time,
                        source=cloud_event.source,
                        traceparent=cloud_event.traceparent,
                    ),
                )
            return True
        finally:
            current_traceparent.reset(token)

    async def process(self, delivery: Delivery) -> None:
        """Apply with retries; dead-letter what keeps failing. Raises only when the
        database itself is unreachable (then the batch is not committed and comes back)."""
        message = delivery.message
        attempts = 0
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._max_attempts),
                wait=wait_exponential_jitter(
                    multiplier=self._backoff, max=self._backoff_max, jitter=self._backoff
                ),
                retry=retry_if_exception(handler_error_is_retried),
                reraise=False,
            ):
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    handled = await self.apply(message.value, topic=message.topic)
                    if self.metrics is not None:
                        self.metrics.events_consumed.labels(
                            outcome="handled" if handled else "skipped"
                        ).inc()
            return
        except RetryError as exc:
            error = exc.last_attempt.exception()
            assert error is not None
            if isinstance(error, DBAPIError | OSError) and await self._database_down():
                raise BusUnavailable("database unreachable while handling") from error
        except PoisonMessage as exc:
            error = exc
        log.error(
            "event dead-lettered",
            extra={"consumer": self.name, "topic": message.topic, "error": type(error).__name__},
        )
        await self._bus.publish(
            [
                DeadLetter(
                    original_topic=message.topic,
                    key=message.key,
                    value=message.value,
                    error=describe_error(error),
                    attempts=attempts,
                    consumer=self.name,
                    failed_at=self._clock.now(),
                ).to_message(self._dlq_topic)
            ]
        )
        if self.metrics is not None:
            self.metrics.events_consumed.labels(outcome="dead_lettered").inc()

    async def _database_down(self) -> bool:
        try:
            async with self._sessionmaker() as session:
                await session.connection()
            return False
        except (DBAPIError, OSError):
            return True

    async def run_once(self, subscription: Subscription) -> int:
        """Fetch one batch, process it, commit its offsets. Returns the batch size."""
        deliveries = await subscription.fetch(max_records=self._batch_size, timeout=self._poll)
        for delivery in deliveries:
            await self.process(delivery)
        await subscription.commit(deliveries)
        return len(deliveries)

    async def run(self) -> None:
        """Consume until cancelled, reconnecting with backoff while the bus is down."""
        backoff = self._backoff or 0.2
        while True:
            subscription = self._bus.subscribe(group=self._group, topics=self._topics)
            try:
                await self._bus.ensure_topics([*self._topics, self._dlq_topic])
                await subscription.start()
                backoff = self._backoff or 0.2
                while True:
                    await self.run_once(subscription)
            except BusUnavailable as exc:
                log.warning("consumer paused", extra={"consumer": self.name, "reason": str(exc)})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._backoff_max)
            finally:
                await subscription.stop()


async def replay_dead_letters(
    consumer: EventConsumer,
    bus: Bus,
    *,
    dlq_topic: str,
    group: str,
    limit: int | None = None,
    idle_seconds: float = 10.0,
) -> tuple[int, int]:
    """Hand dead letters to the consumer again (after the cause is fixed), in order.

    Passes over letters that can never apply (not a CloudEvent, rejected by the catalog),
    stops at the first one whose handler fails again and leaves it and later ones in place, or when
    nothing has arrived for ``idle_seconds`` (joining a Kafka group takes a few seconds, so
    an empty first poll does not mean an empty topic). Returns ``(replayed, failed)``:
    failed counts the letters passed over plus the one it stopped on.
    """
    subscription = bus.subscribe(group=group, topics=[dlq_topic])
    await bus.ensure_topics([dlq_topic])
    await subscription.start()
    replayed = unreplayable = 0
    try:
        while limit is None or replayed < limit:
            deliveries = await subscription.fetch(max_records=1, timeout=idle_seconds)
            if not deliveries:
                return replayed, 0
            delivery = deliveries[0]
            letter = DeadLetter.from_message(delivery.message)
            try:
                await consumer.apply(letter.value, topic=letter.original_topic)
            except PoisonMessage as exc:
                # It can never apply: pass over it (it stays on the topic for inspection).
                log.error("dead letter cannot be replayed", extra={"error": describe_error(exc)})
                unreplayable += 1
            except Exception as exc:
                log.error("replay failed", extra={"error": describe_error(exc)})
                return replayed, unreplayable + 1
            else:
                replayed += 1
            await subscription.commit([delivery])
        return replayed, unreplayable
    finally:
        await subscription.stop()

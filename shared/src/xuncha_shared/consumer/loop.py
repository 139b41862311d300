"""The consumer loop: inbox dedupe in the handlers' transaction, offsets committed after.

Each fetch is applied as one batch (see :mod:`xuncha_shared.consumer.batch`): the events
are decoded (fields a handler's class does not know are a newer producer's additions and are
ignored, never a reason to dead-letter), their inbox rows claimed in one statement (a
redelivery finds its row and does nothing), the handlers run in order, and one COMMIT ends
it. Only after the batch is in the database are the offsets committed, so a crash
redelivers and the inbox makes that harmless.

An event that cannot be decoded, or whose handler fails, leaves the batch: the events before
it commit without it, it is handled alone (a failing handler is retried with exponential
backoff, each try in a transaction of its own; after ``max_attempts`` the message goes to
the service's dead-letter topic with the error), and the events after it form the next
batch. Order is the order delivered, so order per key is kept.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from xuncha_shared.bus.base import Bus, BusUnavailable, Delivery, Subscription
from xuncha_shared.clock import Clock
from xuncha_shared.consumer.batch import HandlerFailed, apply_batch_in_one_transaction
from xuncha_shared.consumer.dead_letters import DeadLetter, describe_error
from xuncha_shared.consumer.decoding import DecodedEvent, decode_event, run_handler
from xuncha_shared.consumer.inbox import claim_inbox_rows
from xuncha_shared.consumer.poison import PoisonMessage, handler_error_is_retried
from xuncha_shared.consumer.registry import HandlerRegistry
from xuncha_shared.messaging import MessagingTables
from xuncha_shared.observability import Metrics

log = logging.getLogger("xuncha_shared.consumer")


def split_into_lanes_by_key(deliveries: Sequence[Delivery], lanes: int) -> list[list[Delivery]]:
    """The rule "events of one key share a lane": a fetch split into at most ``lanes``
    lists, each in delivery order, every key's events in one of them. Lanes run side by
    side, each in transactions of its own, so order per key is kept while one lane's
    round trips to the database overlap another's; order across keys was never promised
    (Kafka's partitions do not keep it either)."""
    split: dict[int, list[Delivery]] = {}
    for delivery in deliveries:
        lane = zlib.crc32(delivery.message.key.encode()) % lanes
        split.setdefault(lane, []).append(delivery)
    return list(split.values())


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
        lanes: int = 4,
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
        self._lanes = max(1, lanes)

    @property
    def topics(self) -> list[str]:
        return self._topics

    async def apply(self, raw: bytes, *, topic: str | None = None) -> bool:
        """Handle one message in one transaction with its inbox row. Returns False when the
        event was already handled (or is of a type this service ignores).

        ``topic`` is where the message was read; an event there that its producer does not
        publish raises :class:`ForgedEvent`. Only the service's own code hands an event in
        without a topic (tests applying an event directly)."""
        decoded = decode_event(raw, topic=topic, handlers=self._handlers)
        if decoded is None:
            return False
        async with self._sessionmaker() as session, session.begin():
            claimed = await claim_inbox_rows(
                session,
                inbox=self._tables.inbox,
                consumer=self.name,
                events=[decoded.cloud_event],
                now=self._clock.now(),
            )
            if not claimed:
                return False
            await run_handler(session, decoded)
        return True

    async def process(self, delivery: Delivery) -> None:
        """Apply one delivery alone, with retries; dead-letter what keeps failing. Raises only
        when the database itself is unreachable (then the batch is not committed and comes
        back)."""
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
                    self._count("handled" if handled else "skipped")
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
        self._count("dead_lettered")

    async def process_batch(self, deliveries: Sequence[Delivery]) -> None:
        """Apply a fetch: its events split into lanes by key (:func:`split_into_lanes_by_key`),
        the lanes side by side, each in order. Returns when every lane is in the database;
        raises only when the database is unreachable, after stopping the other lanes."""
        lanes = split_into_lanes_by_key(deliveries, self._lanes)
        if len(lanes) == 1:
            await self._process_lane(lanes[0])
            return
        tasks = [asyncio.create_task(self._process_lane(lane)) for lane in lanes]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def _process_lane(self, deliveries: Sequence[Delivery]) -> None:
        """Apply deliveries in order, as few transactions as the lane allows: every run of
        events that decode and whose handlers succeed commits as one; an event that cannot
        be decoded or whose handler fails is processed alone (:meth:`process`) between the
        runs before and after it."""
        pending = list(deliveries)
        while pending:
            decoded = self._decodable_leading_run(pending)
            done = await self._apply_leading_run(decoded)
            if done < len(pending):
                await self.process(pending[done])
                done += 1
            pending = pending[done:]

    def _decodable_leading_run(self, deliveries: Sequence[Delivery]) -> list[DecodedEvent | None]:
        run: list[DecodedEvent | None] = []
        for delivery in deliveries:
            value, topic = delivery.message.value, delivery.message.topic
            try:
                run.append(decode_event(value, topic=topic, handlers=self._handlers))
            except PoisonMessage:
                break
        return run

    async def _apply_leading_run(self, decoded: list[DecodedEvent | None]) -> int:
        """Commit the longest leading part of ``decoded`` whose handlers all succeed, in one
        transaction; how many events that is."""
        batch_handlers = True
        while decoded:
            try:
                applied = await apply_batch_in_one_transaction(
                    self._sessionmaker,
                    inbox=self._tables.inbox,
                    consumer=self.name,
                    now=self._clock.now(),
                    events=decoded,
                    batch_handlers=batch_handlers,
                )
            except HandlerFailed as failed:
                if failed.by_batch_handler:
                    # Which of its events failed is unknown: the one-event handlers tell.
                    batch_handlers = False
                else:
                    decoded, batch_handlers = decoded[: failed.index], True
                continue
            except Exception:
                # The inbox claim or the commit failed, not a handler: no event to blame.
                # The first is processed alone (its retries tell a database that is down
                # from one that is not) and the rest come back as the next batch.
                log.warning("batch not applied", extra={"consumer": self.name}, exc_info=True)
                return 0
            self._count("handled", applied.handled)
            self._count("skipped", applied.skipped)
            return len(decoded)
        return 0

    def _count(self, outcome: str, n: int = 1) -> None:
        if self.metrics is not None and n:
            self.metrics.events_consumed.labels(outcome=outcome).inc(n)

    async def _database_down(self) -> bool:
        try:
            async with self._sessionmaker() as session:
                await session.connection()
            return False
        except (DBAPIError, OSError):
            return True

    async def run_once(self, subscription: Subscription) -> int:
        """Fetch one batch, apply it, then commit its offsets. Returns the batch size."""
        deliveries = await subscription.fetch(max_records=self._batch_size, timeout=self._poll)
        await self.process_batch(deliveries)
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

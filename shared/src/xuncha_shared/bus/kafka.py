"""The distributed bus: Apache Kafka through aiokafka.

The producer is idempotent with ``acks=all``: ``publish`` returns only when the broker has
every message, so the relay marks outbox rows published only then. Consumers never
auto-commit; the consumer loop commits offsets after its database transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from xuncha_shared.bus.base import BusMessage, BusUnavailable, Delivery, already_stored
from xuncha_shared.kafka_access.credentials import NO_CREDENTIALS, KafkaCredentials

log = logging.getLogger(__name__)

LINGER_MS = 0
"""The rule "a batch leaves at once": the producer does not hold a batch open waiting for
more messages (``linger_ms``). The relay hands a whole batch over in one go, and with
idempotence a partition has one request in flight at a time, so messages that come while
one is in flight are batched behind it anyway; waiting only added its time to every
event's commit → handler latency."""


class KafkaBus:
    """Bus backend on a Kafka cluster."""

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str = "xuncha",
        request_timeout_ms: int = 15_000,
        partitions: int = 3,
        credentials: KafkaCredentials = NO_CREDENTIALS,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._credentials = credentials
        self._client_id = client_id
        self._request_timeout_ms = request_timeout_ms
        self._partitions = partitions
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    @property
    def bootstrap_servers(self) -> str:
        return self._bootstrap

    async def start(self) -> None:
        # The producer starts lazily on first publish, so a service starts while Kafka is down.
        return None

    async def _ensure_producer(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._bootstrap,
                    client_id=self._client_id,
                    enable_idempotence=True,
                    acks="all",
                    linger_ms=LINGER_MS,
                    request_timeout_ms=self._request_timeout_ms,
                    max_batch_size=1_048_576,
                    **self._credentials.aiokafka_options(),
                )
                try:
                    # An idempotent producer's start waits for a producer id and retries for
                    # ever while a restarting broker cannot give one: bound it.
                    async with asyncio.timeout(self._request_timeout_ms / 1000):
                        await producer.start()
                except (KafkaError, OSError, TimeoutError) as exc:
                    await _abandon(producer)
                    raise BusUnavailable(f"Kafka unreachable: {type(exc).__name__}") from exc
                self._producer = producer
            return self._producer

    async def _reset_producer(self) -> None:
        async with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            await _abandon(producer)

    async def publish(self, messages: Sequence[BusMessage]) -> None:
        await (await self.send(messages))

    async def send(self, messages: Sequence[BusMessage]) -> Awaitable[None]:
        if not messages:
            return already_stored()
        producer = await self._ensure_producer()
        try:
            # send() only enqueues; the futures resolve once the broker acknowledges. With
            # idempotence and one in-flight batch per partition, order per key is kept, also
            # across calls on the same producer.
            # With idempotence aiokafka never expires a batch, so bound the wait ourselves.
            async with asyncio.timeout(self._request_timeout_ms / 1000):
                futures = [
                    await producer.send(
                        m.topic, value=m.value, key=m.key.encode(), headers=list(m.headers)
                    )
                    for m in messages
                ]
        except (KafkaError, OSError, TimeoutError) as exc:
            await self._reset_producer()
            raise BusUnavailable(f"Kafka publish failed: {type(exc).__name__}") from exc
        return self._acknowledged(futures)

    async def _acknowledged(self, futures: list[asyncio.Future[object]]) -> None:
        try:
            async with asyncio.timeout(self._request_timeout_ms / 1000):
                await asyncio.gather(*futures)
        except (KafkaError, OSError, TimeoutError) as exc:
            # A producer that failed mid-batch may hold a poisoned sequence state; start afresh.
            await self._reset_producer()
            raise BusUnavailable(f"Kafka publish failed: {type(exc).__name__}") from exc

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._bootstrap,
            request_timeout_ms=self._request_timeout_ms,
            **self._credentials.aiokafka_options(),
        )
        try:
            await admin.start()
        except (KafkaError, OSError) as exc:
            await admin.close()
            raise BusUnavailable(f"Kafka unreachable: {type(exc).__name__}") from exc
        try:
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(
                        [
                            NewTopic(t, num_partitions=self._partitions, replication_factor=1)
                            for t in missing
                        ]
                    )
        except KafkaError as exc:
            raise BusUnavailable(f"Kafka topic setup failed: {type(exc).__name__}") from exc
        finally:
            await admin.close()

    async def stop(self) -> None:
        await self._reset_producer()

    def subscribe(self, *, group: str, topics: Sequence[str]) -> KafkaSubscription:
        return KafkaSubscription(
            self._bootstrap,
            group=group,
            topics=list(topics),
            client_id=self._client_id,
            credentials=self._credentials,
        )


async def _abandon(producer: AIOKafkaProducer) -> None:
    """Stop a producer we no longer trust. stop() flushes, and an idempotent producer waits
    for the broker for ever: give it a moment, then let it go (the relay re-sends; inboxes
    drop duplicates)."""
    try:
        async with asyncio.timeout(2):
            await producer.stop()
    except (KafkaError, OSError, TimeoutError):
        log.debug("producer stop abandoned", exc_info=True)


class KafkaSubscription:
    """A Kafka consumer in a group, with manual offset commits."""

    def __init__(
        self,
        bootstrap: str,
        *,
        group: str,
        topics: list[str],
        client_id: str,
        credentials: KafkaCredentials = NO_CREDENTIALS,
    ) -> None:
        self._bootstrap = bootstrap
        self._credentials = credentials
        self._group = group
        self._topics = topics
        self._client_id = client_id
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._bootstrap,
            group_id=self._group,
            client_id=self._client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            max_poll_interval_ms=300_000,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
            **self._credentials.aiokafka_options(),
        )
        try:
            await consumer.start()
        except (KafkaError, OSError) as exc:
            await consumer.stop()
            raise BusUnavailable(f"Kafka unreachable: {type(exc).__name__}") from exc
        self._consumer = consumer

    async def fetch(self, *, max_records: int, timeout: float) -> list[Delivery]:
        if self._consumer is None:
            await self.start()
        assert self._consumer is not None
        try:
            batches = await self._consumer.getmany(
                timeout_ms=int(timeout * 1000), max_records=max_records
            )
        except (KafkaError, OSError) as exc:
            raise BusUnavailable(f"Kafka fetch failed: {type(exc).__name__}") from exc
        out: list[Delivery] = []
        for tp, records in batches.items():
            for r in records:
                out.append(
                    Delivery(
                        message=BusMessage(
                            topic=tp.topic,
                            key=(r.key or b"").decode(),
                            value=r.value or b"",
                            headers=tuple((k, bytes(v)) for k, v in (r.headers or ())),
                        ),
                        partition=tp.partition,
                        offset=r.offset,
                    )
                )
        return out

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries or self._consumer is None:
            return
        offsets: dict[TopicPartition, int] = {}
        for d in deliveries:
            tp = TopicPartition(d.message.topic, d.partition)
            offsets[tp] = max(offsets.get(tp, 0), d.offset + 1)
        try:
            # commit() waits for the broker indefinitely; bound it.
            async with asyncio.timeout(15):
                await self._consumer.commit(offsets)
        except (KafkaError, OSError, TimeoutError) as exc:
            # Not committed means redelivered later; the inbox makes that harmless.
            raise BusUnavailable(f"Kafka commit failed: {type(exc).__name__}") from exc

    async def stop(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            try:
                async with asyncio.timeout(5):
                    await consumer.stop()
            except (KafkaError, OSError, TimeoutError):
                log.debug("consumer stop abandoned", exc_info=True)

"""Section 1: the outbox relay → Kafka vs a raw idempotent producer (events/s)."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Generator, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from sqlalchemy import Text, cast, event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from xuncha_shared.bus.base import BusMessage
from xuncha_shared.bus.kafka import LINGER_MS, KafkaBus
from xuncha_shared.clock import SystemClock
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.messaging import OUTBOX_INFO_KEY, OutboxContext, emit
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.testing import contract_worker as cw

from bench.common import EMIT_BATCH, HEADERS, PARTITIONS, Config, Report, log


class TimedBus:
    """Delegates to a real bus and adds up the relay's time in it: handing messages over
    (``send``) and then waiting for their acknowledgements (what is left of them once the
    relay has done its other work for the next batch)."""

    def __init__(self, bus: KafkaBus) -> None:
        self.bus = bus
        self.seconds = 0.0
        self.ack_wait_seconds = 0.0
        self.calls = 0

    async def publish(self, messages: Sequence[BusMessage]) -> None:
        await (await self.send(messages))

    async def send(self, messages: Sequence[BusMessage]) -> Awaitable[None]:
        t = time.perf_counter()
        try:
            acks = await self.bus.send(messages)
        finally:
            self.seconds += time.perf_counter() - t
            self.calls += 1
        # The relay keeps the acknowledgements as a future (it may wait for them or for a
        # wake-up): hand it one that counts only the time the relay spends awaiting it.
        timed = _AwaitTimedFuture(self)
        asyncio.ensure_future(acks).add_done_callback(timed.settle_from)
        return timed


class _AwaitTimedFuture(asyncio.Future[None]):
    """A future that adds the time spent in ``await`` on it to its bus's ``ack_wait_seconds``."""

    def __init__(self, bus: TimedBus) -> None:
        super().__init__()
        self._bus = bus

    def settle_from(self, source: asyncio.Future[None]) -> None:
        if self.done():
            return
        if source.cancelled():
            self.cancel()
        elif (exc := source.exception()) is not None:
            self.set_exception(exc)
        else:
            self.set_result(None)

    def __await__(self) -> Generator[Any, None, None]:
        t = time.perf_counter()
        try:
            return (yield from super().__await__())
        finally:
            self._bus.ack_wait_seconds += time.perf_counter() - t


class StatementTimer:
    """Time per SQL statement kind of a relay: the opening statement (advisory lock) through
    SQLAlchemy cursor events; the reads (``select``) and marks (``update``), which the relay
    runs on the asyncpg connection itself, by timing its ``_claim`` and ``_mark_published``."""

    def __init__(self, engine: AsyncEngine, relay: OutboxRelay) -> None:
        self.seconds: dict[str, float] = {}
        self.enabled = False
        self._starts: list[float] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)
        claim, mark = relay._claim, relay._mark_published

        async def timed_claim(*args: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                return await claim(*args, **kw)
            finally:
                self._add("select", time.perf_counter() - t)

        async def timed_mark(*args: Any, **kw: Any) -> None:
            t = time.perf_counter()
            try:
                await mark(*args, **kw)
            finally:
                self._add("update", time.perf_counter() - t)

        relay._claim = timed_claim  # type: ignore[method-assign]
        relay._mark_published = timed_mark  # type: ignore[method-assign]

    @staticmethod
    def kind(statement: str) -> str:
        s = statement.lstrip().upper()
        if "PG_TRY_ADVISORY" in s:
            return "lock"
        return "other"

    def _add(self, kind: str, elapsed: float) -> None:
        if self.enabled:
            self.seconds[kind] = self.seconds.get(kind, 0.0) + elapsed

    def _before(self, *_: Any) -> None:
        self._starts.append(time.perf_counter())

    def _after(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        self._add(self.kind(statement), time.perf_counter() - self._starts.pop())


async def emit_events(engine: AsyncEngine, topic: str, n: int, *, batch: int = EMIT_BATCH) -> float:
    """Commit ``n`` contract events to the outbox via ``emit``, ``batch`` per transaction;
    keys cycle over n/10 orgs (versions 1..10, interleaved). Returns seconds."""
    maker = create_sessionmaker(
        engine,
        **{OUTBOX_INFO_KEY: OutboxContext(tables=cw.TABLES, topic=topic, clock=SystemClock())},
    )
    orgs = [uuid.uuid4() for _ in range(max(1, n // 10))]
    t = time.perf_counter()
    done = 0
    while done < n:
        async with maker() as session, session.begin():
            for i in range(done, min(n, done + batch)):
                await emit(session, cw.snapshot(orgs[i % len(orgs)], i // len(orgs) + 1))
        done = min(n, done + batch)
    return time.perf_counter() - t


async def bench_relay(
    url: str, bootstrap: str, cfg: Config, report: Report, credentials: KafkaCredentials
) -> None:
    print("\n[1] Outbox relay → Kafka vs raw idempotent producer", flush=True)
    relay_topic, raw_topic = "bench.relay.v1", "bench.raw.v1"
    engine = create_engine(url, pool_size=2)
    kafka = KafkaBus(
        bootstrap, client_id="bench-relay", partitions=PARTITIONS, credentials=credentials
    )
    await kafka.ensure_topics([relay_topic, raw_topic])
    timed_bus = TimedBus(kafka)
    relay = OutboxRelay(
        engine=engine,
        tables=cw.TABLES,
        bus=timed_bus,  # type: ignore[arg-type]
        clock=SystemClock(),
        batch_size=cfg.relay_batch,
    )
    timer = StatementTimer(engine, relay)
    try:
        # Warm-up: producer started, metadata known, statements prepared, code paths hot.
        await emit_events(engine, relay_topic, cfg.warmup_events)
        warm = await relay.drain()
        log(f"relay warm-up: {warm} events")

        emit_s = await emit_events(engine, relay_topic, cfg.events)
        log(f"committed {cfg.events} events via emit in {emit_s:.1f}s")
        async with engine.connect() as conn:
            await conn.execute(text(f'ANALYZE "{cw.SCHEMA}".outbox'))
            rows = (
                await conn.execute(
                    select(cw.TABLES.outbox.c.key, cw.TABLES.outbox.c.envelope)
                    .where(cw.TABLES.outbox.c.published_at.is_(None))
                    .order_by(cw.TABLES.outbox.c.seq)
                )
            ).all()
            # Exactly what the relay sends: the same keys and the envelope's stored text.
            stored = (
                await conn.execute(
                    select(cw.TABLES.outbox.c.key, cast(cw.TABLES.outbox.c.envelope, Text))
                    .where(cw.TABLES.outbox.c.published_at.is_(None))
                    .order_by(cw.TABLES.outbox.c.seq)
                )
            ).all()
        payloads = [(k.encode(), v.encode()) for k, v in stored]
        # What re-serialising every envelope in Python would cost (the relay no longer does).
        t = time.perf_counter()
        for row in rows:
            json.dumps(row.envelope, ensure_ascii=False, separators=(",", ":")).encode()
        json_s = time.perf_counter() - t
        texts = [v.decode() for _, v in payloads]
        t = time.perf_counter()
        for s_ in texts:
            json.loads(s_)
        json_decode_s = time.perf_counter() - t
        sizes = [len(v) for _, v in payloads]

        timed_bus.seconds, timed_bus.ack_wait_seconds, timed_bus.calls = 0.0, 0.0, 0
        timer.enabled = True
        t = time.perf_counter()
        published = await relay.drain()
        relay_s = time.perf_counter() - t
        timer.enabled = False
        if published != cfg.events:
            raise RuntimeError(f"relay published {published}, expected {cfg.events}")
        log(f"relay drained {published} in {relay_s:.2f}s")
    finally:
        await kafka.stop()
        await engine.dispose()

    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id="bench-raw",
        enable_idempotence=True,
        acks="all",
        # The same batching as KafkaBus, so the difference is the relay, not the client.
        linger_ms=LINGER_MS,
        max_batch_size=1_048_576,
        request_timeout_ms=15_000,
        **credentials.aiokafka_options(),
    )
    await producer.start()
    try:

        async def send_all(items: Sequence[tuple[bytes, bytes]]) -> None:
            futures = [
                await producer.send(raw_topic, value=v, key=k, headers=list(HEADERS))
                for k, v in items
            ]
            await asyncio.gather(*futures)

        await send_all(payloads[: cfg.warmup_events])
        # A burst of a second or so is noisy on a small machine: three sends, the median.
        raw_runs = []
        for _ in range(3):
            t = time.perf_counter()
            await send_all(payloads)
            raw_runs.append(time.perf_counter() - t)
        raw_s = statistics.median(raw_runs)
        log(f"raw producer sent {len(payloads)} three times: {[round(x, 2) for x in raw_runs]} s")
    finally:
        await producer.stop()

    batches = -(-cfg.events // cfg.relay_batch)
    sql = {k: round(v, 3) for k, v in sorted(timer.seconds.items())}
    publish_s, ack_wait_s = timed_bus.seconds, timed_bus.ack_wait_seconds
    rest = relay_s - publish_s - ack_wait_s - sum(timer.seconds.values())
    relay_rate, raw_rate = cfg.events / relay_s, len(payloads) / raw_s
    report.relay = {
        "events": cfg.events,
        "batch_size": cfg.relay_batch,
        "batches": batches,
        "partitions": PARTITIONS,
        "message_bytes_mean": round(statistics.fmean(sizes)),
        "message_bytes_min_max": [min(sizes), max(sizes)],
        "emit_seconds_untimed": round(emit_s, 2),
        "emit_rate": round(cfg.events / emit_s),
        "relay_seconds": round(relay_s, 3),
        "relay_rate": round(relay_rate),
        "raw_seconds": round(raw_s, 3),
        "raw_seconds_each": [round(x, 3) for x in raw_runs],
        "raw_rate": round(raw_rate),
        "ratio": round(relay_rate / raw_rate, 3),
        "breakdown_seconds": {
            "bus_send": round(publish_s, 3),
            "bus_ack_wait": round(ack_wait_s, 3),
            **{f"sql_{k}": v for k, v in sql.items()},
            "rest (BusMessage, BEGIN/COMMIT, Python)": round(rest, 3),
        },
        "json_reserialise_seconds_all_events": round(json_s, 3),
        "json_decode_seconds_all_events": round(json_decode_s, 3),
        "per_batch_ms": round(relay_s / batches * 1000, 1),
    }
    r = report.relay
    print(
        f"  events {r['events']}  (mean message {r['message_bytes_mean']} B,"
        f" {PARTITIONS} partitions)"
    )
    print(f"  emit (untimed setup): {r['emit_seconds_untimed']} s = {r['emit_rate']} events/s")
    print(
        f"  relay.drain() batch {cfg.relay_batch}: {r['relay_seconds']} s"
        f" = {r['relay_rate']} events/s"
        f"  ({batches} batches, {r['per_batch_ms']} ms/batch)"
    )
    print(
        f"  raw AIOKafkaProducer(idempotent, acks=all): median {r['raw_seconds']} s"
        f" = {r['raw_rate']} events/s  (3 sends: {r['raw_seconds_each']} s)"
    )
    print(f"  ratio relay/raw = {r['ratio']}")
    print(
        "  relay time breakdown (s): "
        + ", ".join(f"{k} {v}" for k, v in r["breakdown_seconds"].items())
    )
    print(
        f"  (for all {r['events']} envelopes alone:"
        f" json.dumps {r['json_reserialise_seconds_all_events']} s,"
        f" json.loads {r['json_decode_seconds_all_events']} s)"
    )

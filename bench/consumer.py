"""Section 4: the consumer's throughput with its inbox, on Kafka and on the PostgreSQL log,
against a raw consumer doing the same writes in the same run."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer
from xuncha_shared.bus.base import Bus, BusMessage
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import PostgresBus, asyncpg_dsn
from xuncha_shared.db import create_engine
from xuncha_shared.events.base import envelope
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.testing import contract_worker as cw

from bench.common import HEADERS, PARTITIONS, Config, Report, log

CONSUMER_BATCH = 200  # EventConsumer's default, as every service runs it
ORGS = 500  # keys: each org's versions must apply in order

# The raw consumer's one transaction per fetch: the inbox claim, the poison check and the
# effects, as three statements over arrays.
CLAIM = (
    "INSERT INTO contract.inbox (consumer, event_id, event_type, handled_at) "
    "SELECT 'contract', e.id, e.type, now() "
    "FROM unnest($1::uuid[], $2::text[]) AS e(id, type) "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)
POISONED = "SELECT org_id FROM contract.poison WHERE org_id = ANY($1::uuid[])"
EFFECTS = (
    "INSERT INTO contract.effects (event_id, org_id, version) "
    "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[])"
)


def _messages(topic: str, n: int) -> list[BusMessage]:
    """n org events, versions 1..n/ORGS of each org in turn, as the relay would publish them."""
    orgs = [uuid.uuid4() for _ in range(ORGS)]
    now = datetime.now(UTC)
    return [
        BusMessage(
            topic=topic,
            key=str(org),
            value=envelope(cw.snapshot(org, i // ORGS + 1), time=now).to_json_bytes(),
            headers=HEADERS,
        )
        for i in range(n)
        for org in (orgs[i % ORGS],)
    ]


async def _raw_apply(conn: asyncpg.Connection, values: list[bytes]) -> None:
    envelopes = [json.loads(v) for v in values]
    async with conn.transaction():
        claimed = {
            r["event_id"]
            for r in await conn.fetch(
                CLAIM, [uuid.UUID(e["id"]) for e in envelopes], [e["type"] for e in envelopes]
            )
        }
        fresh = [e for e in envelopes if uuid.UUID(e["id"]) in claimed]
        orgs = [uuid.UUID(e["data"]["org_id"]) for e in fresh]
        poisoned = {r["org_id"] for r in await conn.fetch(POISONED, orgs)}
        kept = [(e, o) for e, o in zip(fresh, orgs, strict=True) if o not in poisoned]
        await conn.execute(
            EFFECTS,
            [uuid.UUID(e["id"]) for e, _ in kept],
            [o for _, o in kept],
            [e["data"]["version"] for e, _ in kept],
        )


async def _raw_kafka(
    conn: asyncpg.Connection, bootstrap: str, creds: KafkaCredentials, topic: str, n: int
) -> None:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"{topic}.raw",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        **creds.aiokafka_options(),
    )
    await consumer.start()
    try:
        done = 0
        while done < n:
            batches = await consumer.getmany(timeout_ms=1000, max_records=CONSUMER_BATCH)
            values = [r.value or b"" for records in batches.values() for r in records]
            if values:
                await _raw_apply(conn, values)
                await consumer.commit()
                done += len(values)
    finally:
        await consumer.stop()


async def _raw_postgres(conn: asyncpg.Connection, topic: str, n: int) -> None:
    position, done = 0, 0
    while done < n:
        rows = await conn.fetch(
            "SELECT seq, value FROM bus.log WHERE topic = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            topic,
            position,
            CONSUMER_BATCH,
        )
        if not rows:
            await asyncio.sleep(0.05)
            continue
        await _raw_apply(conn, [bytes(r["value"]) for r in rows])
        position = rows[-1]["seq"]
        await conn.execute(
            "INSERT INTO bus.offsets (group_id, topic, position) VALUES ('raw', $1, $2) "
            "ON CONFLICT (group_id, topic) DO UPDATE SET position = EXCLUDED.position",
            topic,
            position,
        )
        done += len(rows)


def _raw_run(
    conn: asyncpg.Connection,
    backend: str,
    bootstrap: str,
    creds: KafkaCredentials,
    topic: str,
    n: int,
) -> Callable[[], Coroutine[Any, Any, None]]:
    if backend == "kafka":
        return lambda: _raw_kafka(conn, bootstrap, creds, topic, n)
    return lambda: _raw_postgres(conn, topic, n)


async def _measure(
    conn: asyncpg.Connection, n: int, run: Callable[[], Coroutine[Any, Any, None]]
) -> dict[str, Any]:
    """Run a consumer over a backlog of n events; handled events per second from the first
    effect to the last, and whether every org's versions applied once and in order."""
    await conn.execute("TRUNCATE contract.effects, contract.inbox")
    started = time.perf_counter()
    task = asyncio.create_task(run())
    try:
        while await conn.fetchval("SELECT count(*) FROM contract.effects") < n:
            if task.done():
                task.result()
                raise RuntimeError("consumer ended before handling every event")
            if time.perf_counter() - started > 300:
                raise RuntimeError("the backlog was not handled within 300 s")
            await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    row = await conn.fetchrow(
        "SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids, "
        "extract(epoch FROM max(at) - min(at)) AS span FROM contract.effects"
    )
    out_of_order = await conn.fetchval(
        "SELECT count(*) FROM (SELECT version, lag(version) OVER (PARTITION BY org_id ORDER BY n)"
        " AS prev FROM contract.effects) v WHERE prev IS NOT NULL AND version <> prev + 1"
    )
    return {
        "events": row["n"],
        "rate": round((row["n"] - 1) / float(row["span"]), 1),
        "seconds_first_to_last_effect": round(float(row["span"]), 2),
        "duplicates": row["n"] - row["distinct_ids"],
        "out_of_order": out_of_order,
    }


async def bench_consumer(
    url: str, bootstrap: str, cfg: Config, report: Report, credentials: KafkaCredentials
) -> None:
    n = cfg.consumer_events
    print(
        f"\n[4] Consumer with inbox vs raw consumer (backlog of {n} events over {ORGS} keys,"
        f" fetches of {CONSUMER_BATCH})",
        flush=True,
    )
    engine = create_engine(url, pool_size=2)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    kafka = KafkaBus(
        bootstrap, client_id="bench-consumer", partitions=PARTITIONS, credentials=credentials
    )
    pgbus = PostgresBus(url)
    await pgbus.start()
    results: dict[str, Any] = {}
    try:
        backends: list[tuple[str, Bus]] = [("kafka", kafka), ("postgres", pgbus)]
        for backend, bus in backends:
            run_id = uuid.uuid4().hex[:6]
            topics = {k: f"bench{run_id}{k}.planning.v1" for k in ("real", "raw", "warm")}
            dlq = f"bench{run_id}.dlq.contract"
            await bus.ensure_topics([*topics.values(), dlq])
            for t in topics.values():
                messages = _messages(t, CONSUMER_BATCH if t == topics["warm"] else n)
                for i in range(0, len(messages), 1000):
                    await bus.publish(messages[i : i + 1000])

            def real(
                topic: str, bus: Bus = bus, dlq: str = dlq
            ) -> Callable[[], Coroutine[Any, Any, None]]:
                return cw.build_consumer(
                    engine=engine,
                    bus=bus,
                    topic=topic,
                    group=f"{topic}.real",
                    dlq_topic=dlq,
                    batch_size=CONSUMER_BATCH,
                ).run

            # Warm-up: connections, prepared statements, the group join.
            await _measure(conn, CONSUMER_BATCH, real(topics["warm"]))
            conn_raw = await asyncpg.connect(asyncpg_dsn(url))
            try:
                consumer_figure = await _measure(conn, n, real(topics["real"]))
                raw_figure = await _measure(
                    conn,
                    n,
                    _raw_run(conn_raw, backend, bootstrap, credentials, topics["raw"], n),
                )
            finally:
                await conn_raw.close()
            results[backend] = {
                "consumer": consumer_figure,
                "raw": raw_figure,
                "ratio": round(consumer_figure["rate"] / raw_figure["rate"], 2),
            }
            log(f"consumer on {backend} measured")
        await conn.execute("TRUNCATE contract.effects, contract.inbox")
    finally:
        await conn.close()
        await kafka.stop()
        await pgbus.stop()
        await engine.dispose()
    report.consumer = results
    for backend, r in results.items():
        c, w = r["consumer"], r["raw"]
        print(
            f"  {backend:8s} EventConsumer {c['rate']:8.1f} ev/s ({c['events']} in"
            f" {c['seconds_first_to_last_effect']} s)  raw {w['rate']:8.1f} ev/s"
            f"  → ratio {r['ratio']}; duplicates {c['duplicates']}/{w['duplicates']},"
            f" out of order {c['out_of_order']}/{w['out_of_order']}"
        )

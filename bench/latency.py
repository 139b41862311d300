"""Section 3: commit → handler latency over Kafka, and the consumer's capacity."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import text
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import asyncpg_dsn
from xuncha_shared.clock import SystemClock
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.messaging import OUTBOX_INFO_KEY, OutboxContext, emit
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.testing import contract_worker as cw

from bench.common import PARTITIONS, RELAY_BATCH, Config, Report, lat_summary, log, pct


async def bench_latency(
    url: str, bootstrap: str, tmp: Path, cfg: Config, report: Report, credentials: KafkaCredentials
) -> None:
    print(
        "\n[3] Commit → handler latency over Kafka "
        f"(offered {', '.join(f'{r:g}/s' for r in cfg.rates)}, {cfg.seconds:g} s each,"
        " one transaction per event)",
        flush=True,
    )
    # The contract outbox emits planning's org events: on planning's topic, the only one a
    # consumer accepts them from.
    topic, dlq, group = "bench.planning.v1", "bench.dlq.contract", "bench.latency"
    engine = create_engine(url, pool_size=2)  # the relay's, as in a service
    writer = create_engine(url, pool_size=8)  # the committers'
    kafka = KafkaBus(
        bootstrap, client_id="bench-latency", partitions=PARTITIONS, credentials=credentials
    )
    await kafka.ensure_topics([topic, dlq])
    relay = OutboxRelay(
        engine=engine,
        tables=cw.TABLES,
        bus=kafka,
        clock=SystemClock(),
        batch_size=RELAY_BATCH,
        poll_seconds=1.0,
    )
    relay_task = asyncio.create_task(relay.run(), name="bench-relay")
    worker_log = (tmp / "consumer.log").open("wb")
    # The consumer is the contract worker (contract_worker.build_consumer) in its own process,
    # as a consuming service would be: its handler inserts into contract.effects, whose `at`
    # default prepare_database() set to clock_timestamp().
    consumer = subprocess.Popen(  # noqa: ASYNC220 (starts a child, returns at once)
        [
            sys.executable,
            "-m",
            "xuncha_shared.testing.contract_worker",
            "--backend",
            "kafka",
            "--database-url",
            url,
            "--bootstrap",
            bootstrap,
            "--topic",
            topic,
            "--group",
            group,
            "--dlq-topic",
            dlq,
            "--batch-size",
            "50",
            "--kafka-username",
            credentials.username,
            "--kafka-ssl-cafile",
            credentials.ssl_cafile or "",
        ],
        env={**os.environ, cw.KAFKA_PASSWORD_ENV: credentials.password},
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    maker = create_sessionmaker(
        writer,
        **{OUTBOX_INFO_KEY: OutboxContext(tables=cw.TABLES, topic=topic, clock=SystemClock())},
    )
    insert_commit = text(
        "INSERT INTO public.bench_commits (event_id, phase, committed_at) "
        "VALUES (:id, :phase, clock_timestamp())"
    )
    conn = await asyncpg.connect(asyncpg_dsn(url))

    async def commit_one(phase: str) -> None:
        async with maker() as session, session.begin():
            event_id = await emit(session, cw.snapshot(uuid.uuid4(), 1))
            # Last statement before COMMIT: as close as the database clock gets to it.
            await session.execute(insert_commit, {"id": event_id, "phase": phase})

    async def steady(phase: str, rate: float, n: int) -> None:
        """Open loop: event i's transaction starts at i/rate whether or not earlier ones
        have committed (a slow commit must not lower the offered rate)."""
        started = time.perf_counter()
        tasks = []
        for i in range(n):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(commit_one(phase)))
        await asyncio.gather(*tasks)

    async def backlog(phase: str, n: int) -> None:
        """n events committed in one go (500 per transaction): the consumer's capacity."""
        done = 0
        while done < n:
            async with maker() as session, session.begin():
                for _ in range(min(500, n - done)):
                    event_id = await emit(session, cw.snapshot(uuid.uuid4(), 1))
                    await session.execute(insert_commit, {"id": event_id, "phase": phase})
            done = min(n, done + 500)

    async def wait_handled(phase: str, n: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if consumer.poll() is not None:
                raise RuntimeError(f"consumer exited ({consumer.returncode}); see consumer.log")
            got = await conn.fetchval(
                "SELECT count(*) FROM public.bench_commits c JOIN contract.effects e "
                "USING (event_id) WHERE c.phase = $1",
                phase,
            )
            if got >= n:
                return
            await asyncio.sleep(0.2)
        raise RuntimeError(f"the {phase} events were not all handled within {timeout}s")

    runs: list[dict[str, Any]] = []
    try:
        # Warm-up: the consumer joins its group, the relay's LISTEN connection is up.
        await steady("warmup", 50, 100)
        await wait_handled("warmup", 100, 90)
        await asyncio.sleep(1)
        log("latency warm-up handled")
        for rate in cfg.rates:
            phase = f"rate{rate:g}"
            total = round(rate * cfg.seconds)
            await steady(phase, rate, total)
            await wait_handled(phase, total, 180)
            rows = await conn.fetch(
                """
                SELECT extract(epoch FROM c.committed_at) AS committed,
                       extract(epoch FROM e.at) AS handled,
                       extract(epoch FROM e.at - c.committed_at) * 1000 AS total_ms,
                       extract(epoch FROM o.published_at - c.committed_at) * 1000 AS acked_ms
                FROM public.bench_commits c
                JOIN contract.effects e USING (event_id)
                JOIN contract.outbox o ON o.id = c.event_id
                WHERE c.phase = $1
                ORDER BY c.committed_at
                """,
                phase,
            )
            total_ms = [float(r["total_ms"]) for r in rows]
            acked = [float(r["acked_ms"]) for r in rows]
            committed = [float(r["committed"]) for r in rows]
            handled = sorted(float(r["handled"]) for r in rows)
            tenth = max(1, len(rows) // 10)
            runs.append(
                {
                    "target_rate": rate,
                    "events": len(rows),
                    "achieved_commit_rate": round(
                        (len(rows) - 1) / (committed[-1] - committed[0]), 1
                    ),
                    "handled_rate": round((len(rows) - 1) / (handled[-1] - handled[0]), 1),
                    "commit_to_handler": lat_summary(total_ms),
                    "commit_to_relay_acked": lat_summary(acked),
                    "relay_acked_to_handler": lat_summary(
                        [t - a for t, a in zip(total_ms, acked, strict=True)]
                    ),
                    "p50_first_tenth_ms": round(pct(total_ms[:tenth], 50), 2),
                    "p50_last_tenth_ms": round(pct(total_ms[-tenth:], 50), 2),
                }
            )
            await asyncio.sleep(1)
        # Consumer capacity: a backlog committed at once; handled events per second from the
        # first effect to the last (the relay publishes it in a few batches meanwhile).
        await backlog("backlog", cfg.backlog)
        await wait_handled("backlog", cfg.backlog, 180)
        first_last = await conn.fetchrow(
            "SELECT extract(epoch FROM max(e.at) - min(e.at)) AS span, count(*) AS n "
            "FROM public.bench_commits c JOIN contract.effects e USING (event_id) "
            "WHERE c.phase = 'backlog'"
        )
        capacity = round((first_last["n"] - 1) / float(first_last["span"]), 1)
        dupes = await conn.fetchval(
            "SELECT count(*) - count(DISTINCT event_id) FROM contract.effects"
        )
    finally:
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        consumer.terminate()
        try:
            consumer.wait(15)
        except subprocess.TimeoutExpired:
            consumer.kill()
        worker_log.close()
        await conn.close()
        await kafka.stop()
        await engine.dispose()
        await writer.dispose()

    report.latency = {
        "runs": runs,
        "consumer_capacity_events_per_s": capacity,
        "consumer_capacity_backlog": cfg.backlog,
        "duplicate_effects": dupes,
    }
    for r in runs:
        print(
            f"  offered {r['target_rate']:g}/s: {r['events']} events, committed at "
            f"{r['achieved_commit_rate']}/s, handled at {r['handled_rate']}/s; p50 first/last "
            f"tenth {r['p50_first_tenth_ms']}/{r['p50_last_tenth_ms']} ms"
        )
        for name in ("commit_to_handler", "commit_to_relay_acked", "relay_acked_to_handler"):
            s = r[name]
            print(
                f"    {name:24s} p50 {s['p50_ms']:8.2f}  p95 {s['p95_ms']:8.2f}"
                f"  p99 {s['p99_ms']:8.2f}  max {s['max_ms']:8.2f}  mean {s['mean_ms']:8.2f} ms"
            )
    print(
        f"  consumer capacity (backlog of {cfg.backlog} committed at once):"
        f" {capacity} events/s handled; duplicate effects: {dupes}"
    )

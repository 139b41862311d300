"""Xuncha benchmark: outbox relay vs raw producer, org-create API vs raw asyncpg, and
commit → handler latency over Kafka. One run on this machine, with its own PostgreSQL and
Kafka broker in a temporary directory.

    uv run --no-sync python bench/run.py [--events N] [--orgs N] [--quick] [--json out.json]

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version as pkg_version
from pathlib import Path
from typing import Any

import asyncpg
import httpx

try:
    import psutil
except ImportError:  # only for the load note; the figures do not need it
    psutil = None
from aiokafka import AIOKafkaProducer
from pydantic import SecretStr
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.bus.base import BusMessage
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import asyncpg_dsn
from xuncha_shared.clock import SystemClock
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.events.base import envelope
from xuncha_shared.events.planning import OrgRegistered
from xuncha_shared.messaging import OUTBOX_INFO_KEY, OutboxContext, emit, outbox_trigger_sql
from xuncha_shared.orgs import OrgKind
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.settings import topic_for
from xuncha_shared.testing import contract_worker as cw
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker
from xuncha_shared.testing.plugin import (
    TEST_SECRET,
    migrate_all,
    run_app,
    service_module,
    settings_for,
)
from xuncha_shared.tracing import new_traceparent

HERE = Path(__file__).resolve().parent
JURISDICTION = "410825"
SUBJECT = "bench-office"
RELAY_BATCH = 500
EMIT_BATCH = 500
PARTITIONS = 3
HEADERS = (("content-type", b"application/cloudevents+json"),)


# --------------------------------------------------------------------------- helpers


def log(msg: str) -> None:
    print(f"  · {msg}", file=sys.stderr, flush=True)


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def lat_summary(ms: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run_concurrent(
    n: int, concurrency: int, fn: Callable[[int], Awaitable[bool]]
) -> tuple[float, int, list[float]]:
    """Call ``fn(0..n-1)`` with ``concurrency`` workers; returns (seconds, failures, per-call
    latencies in ms)."""
    items = iter(range(n))
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal failures
        for i in items:  # one shared iterator: each index is taken once
            t = time.perf_counter()
            ok = await fn(i)
            latencies.append((time.perf_counter() - t) * 1000)
            failures += not ok

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, failures, latencies


@dataclass
class Config:
    events: int
    orgs: int
    concurrency: int
    rates: list[float]
    seconds: float
    serial_n: int
    backlog: int
    relay_batch: int
    warmup_events: int
    warmup_orgs: int
    http: bool
    fsync: bool
    json_path: Path | None
    quick: bool
    only: list[str]


@dataclass
class Report:
    facts: dict[str, Any] = field(default_factory=dict)
    relay: dict[str, Any] = field(default_factory=dict)
    api: dict[str, Any] = field(default_factory=dict)
    latency: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    load: dict[str, dict[str, float]] = field(default_factory=dict)


class LoadMonitor:
    """How busy the machine was during a section, and how much of that was not this
    benchmark (another test run, say), so a figure taken on a busy machine says so.

    "bench" is the CPU time of this benchmark's process tree (itself, its children, the
    PostgreSQL server and its backends, reaped children included); "other" is the rest of
    the machine's busy time."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        self._t0 = 0.0
        self._ours0 = 0.0
        self._busy0 = 0.0
        self._steal0 = 0.0

    @staticmethod
    def _machine() -> tuple[float, float]:
        t = psutil.cpu_times()
        idle = t.idle + getattr(t, "iowait", 0.0)
        steal = getattr(t, "steal", 0.0)
        return sum(t) - idle - steal, steal

    def _ours(self) -> float:
        total, seen = 0.0, set()
        for root in self.roots:
            with contextlib.suppress(psutil.Error):
                top = psutil.Process(root)
                for proc in [top, *top.children(recursive=True)]:
                    if proc.pid in seen:
                        continue
                    seen.add(proc.pid)
                    with contextlib.suppress(psutil.Error):
                        t = proc.cpu_times()
                        total += t.user + t.system + t.children_user + t.children_system
        return total

    def start(self) -> None:
        self._t0 = time.perf_counter()
        if psutil is not None:
            self._ours0 = self._ours()
            self._busy0, self._steal0 = self._machine()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self._t0
        if psutil is None:
            return {"wall_s": round(wall, 1)}
        ours = self._ours() - self._ours0
        busy, steal = self._machine()
        busy, steal = busy - self._busy0, steal - self._steal0
        capacity = wall * (os.cpu_count() or 1)
        return {
            "wall_s": round(wall, 1),
            "busy_share": round(busy / capacity, 3),
            "bench_cpu_share": round(ours / capacity, 3),
            "other_cpu_share": round(max(0.0, busy - ours) / capacity, 3),
            "steal_share": round(steal / capacity, 3),
        }


def print_load(load: dict[str, float]) -> None:
    if "other_cpu_share" not in load:
        return
    note = "  ← other processes were busy: figures are low" if load["other_cpu_share"] > 0.1 else ""
    print(
        f"  machine during this section: busy {load['busy_share']:.0%} of {os.cpu_count()} cores"
        f" (bench {load['bench_cpu_share']:.0%}, other processes {load['other_cpu_share']:.0%}),"
        f" steal {load['steal_share']:.0%}" + note
    )


# --------------------------------------------------------------------------- set-up


def machine_facts(broker: KafkaBroker) -> dict[str, Any]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = "?"
    with contextlib.suppress(OSError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem_gb = f"{kb / 1024 / 1024:.1f}"
    kafka_jar = next(iter(sorted(broker.lib_dir.glob("kafka_2.13-*.jar"))), None)
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    loop = type(asyncio.get_running_loop()).__module__.split(".")[0]
    return {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "event_loop": loop,
        "kafka": kafka_jar.stem.removeprefix("kafka_2.13-") if kafka_jar else "?",
        "java": (java.stderr.splitlines() or ["?"])[0],
        "aiokafka": pkg_version("aiokafka"),
        "asyncpg": pkg_version("asyncpg"),
        "sqlalchemy": pkg_version("sqlalchemy"),
        "fastapi": pkg_version("fastapi"),
        "uvicorn": pkg_version("uvicorn"),
        "httpx": pkg_version("httpx"),
    }


async def start_infra(tmp: Path, cfg: Config, report: Report) -> tuple[LocalPostgres, KafkaBroker]:
    pg = LocalPostgres(tmp / "pg" / "data", cleanup="delete")
    broker = KafkaBroker(tmp / "kafka")
    t = time.perf_counter()
    # Both start in threads at once: Kafka's JVM takes the longest.
    results = await asyncio.gather(
        asyncio.to_thread(pg.start), asyncio.to_thread(broker.start), return_exceptions=True
    )
    for r in results:
        if isinstance(r, BaseException):
            with contextlib.suppress(Exception):
                broker.stop()
            with contextlib.suppress(Exception):
                pg.server.cleanup()
            raise r
    if not cfg.fsync:
        pg.tune_for_tests()
    report.timings["infra_start_s"] = round(time.perf_counter() - t, 1)
    return pg, broker


async def prepare_database(pg: LocalPostgres) -> str:
    admin = await asyncpg.connect(pg.dsn("postgres"))
    try:
        await admin.execute('CREATE DATABASE "bench"')
    finally:
        await admin.close()
    url = pg.url("bench")
    await migrate_all(url)
    engine = create_engine(url, pool_size=1)
    try:
        await cw.create_schema(engine)
        async with engine.begin() as conn:
            # The contract schema has no NOTIFY trigger of its own: add the one every service
            # schema gets, so a running relay wakes on commit (section 3).
            for stmt in outbox_trigger_sql(cw.SCHEMA):
                await conn.execute(text(stmt))
            # The contract handler records its effect with the column default: make that the
            # wall clock at insert time rather than the transaction's start.
            await conn.execute(
                text(
                    f'ALTER TABLE "{cw.SCHEMA}".effects '
                    "ALTER COLUMN at SET DEFAULT clock_timestamp()"
                )
            )
            await conn.execute(
                text(
                    "CREATE TABLE public.bench_commits (event_id uuid PRIMARY KEY, "
                    "phase text NOT NULL, committed_at timestamptz NOT NULL)"
                )
            )
    finally:
        await engine.dispose()
    return url


# --------------------------------------------------------------------------- 1. relay


class TimedBus:
    """Delegates ``publish`` to a real bus and adds up the time spent in it."""

    def __init__(self, bus: KafkaBus) -> None:
        self.bus = bus
        self.seconds = 0.0
        self.calls = 0

    async def publish(self, messages: Sequence[BusMessage]) -> None:
        t = time.perf_counter()
        try:
            await self.bus.publish(messages)
        finally:
            self.seconds += time.perf_counter() - t
            self.calls += 1


class StatementTimer:
    """Time per SQL statement kind on an engine (via SQLAlchemy cursor events)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.seconds: dict[str, float] = {}
        self.enabled = False
        self._starts: list[float] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    @staticmethod
    def kind(statement: str) -> str:
        s = statement.lstrip().upper()
        if "PG_TRY_ADVISORY" in s:
            return "lock"
        if s.startswith("SELECT") and "FOR UPDATE" in s:
            return "select"
        if s.startswith("UPDATE"):
            return "update"
        return "other"

    def _before(self, *_: Any) -> None:
        self._starts.append(time.perf_counter())

    def _after(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        elapsed = time.perf_counter() - self._starts.pop()
        if self.enabled:
            k = self.kind(statement)
            self.seconds[k] = self.seconds.get(k, 0.0) + elapsed


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


async def bench_relay(url: str, bootstrap: str, cfg: Config, report: Report) -> None:
    print("\n[1] Outbox relay → Kafka vs raw idempotent producer", flush=True)
    relay_topic, raw_topic = "bench.relay.v1", "bench.raw.v1"
    engine = create_engine(url, pool_size=2)
    kafka = KafkaBus(bootstrap, client_id="bench-relay", partitions=PARTITIONS)
    await kafka.ensure_topics([relay_topic, raw_topic])
    timed_bus = TimedBus(kafka)
    relay = OutboxRelay(
        engine=engine,
        tables=cw.TABLES,
        bus=timed_bus,  # type: ignore[arg-type]
        clock=SystemClock(),
        batch_size=cfg.relay_batch,
    )
    timer = StatementTimer(engine)
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
        # Exactly what the relay sends: the same keys and the same serialisation.
        t = time.perf_counter()
        payloads = [
            (
                r.key.encode(),
                json.dumps(r.envelope, ensure_ascii=False, separators=(",", ":")).encode(),
            )
            for r in rows
        ]
        json_s = time.perf_counter() - t
        texts = [v.decode() for _, v in payloads]
        t = time.perf_counter()
        for s_ in texts:
            json.loads(s_)
        json_decode_s = time.perf_counter() - t
        sizes = [len(v) for _, v in payloads]

        timed_bus.seconds, timed_bus.calls = 0.0, 0
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
        linger_ms=5,
        max_batch_size=1_048_576,
        request_timeout_ms=15_000,
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
    publish_s = timed_bus.seconds
    rest = relay_s - publish_s - sum(timer.seconds.values())
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
            "bus_publish": round(publish_s, 3),
            **{f"sql_{k}": v for k, v in sql.items()},
            "rest (BusMessage + json.dumps, BEGIN/COMMIT, Python)": round(rest, 3),
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


# --------------------------------------------------------------------------- 2. API


def org_body(prefix: str, i: int) -> dict[str, Any]:
    return {
        "code": f"{prefix}{i:07d}",
        "name": f"巡察基准组织{i}",
        "kind": "township",
        "contact_name": "张三",
        "contact_phone": "0396-1234567",
        "contact_email": f"org{i}@example.cn",
    }


async def bench_api_client(
    client: httpx.AsyncClient, token: str, prefix: str, cfg: Config
) -> tuple[float, int, list[float]]:
    headers = {"Authorization": f"Bearer {token}"}

    async def create(i: int) -> bool:
        r = await client.post("/api/planning/orgs", json=org_body(prefix, i), headers=headers)
        return r.status_code == 201

    # Warm-up codes (9000000+) never collide with the timed ones.
    _, fails, _ = await run_concurrent(
        cfg.warmup_orgs, cfg.concurrency, lambda i: create(9_000_000 + i)
    )
    if fails:
        raise RuntimeError(f"{fails} warm-up requests failed")
    return await run_concurrent(cfg.orgs, cfg.concurrency, create)


async def wait_http(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"planning server exited with {proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if (await c.get("/api/planning/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError("planning server did not become ready")


def raw_rows(
    prefix: str, n: int, *, now: datetime
) -> list[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """(org row, outbox row) pairs as the API would write them for ``org_body(prefix, i)``:
    the same columns, and an outbox envelope built by the same code (so the same size)."""
    topic = topic_for("bench", "planning")
    out = []
    for i in range(n):
        body = org_body(prefix, i)
        org_id = uuid.uuid4()
        event = OrgRegistered(
            jurisdiction=JURISDICTION,
            org_id=org_id,
            code=body["code"],
            name=body["name"],
            kind=OrgKind.township,
            parent_id=None,
            version=1,
            active=True,
        )
        ce = envelope(event, time=now, traceparent=new_traceparent())
        env = json.dumps(ce.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
        org = (
            org_id,
            JURISDICTION,
            body["code"],
            body["name"],
            "township",
            None,
            body["contact_name"],
            body["contact_phone"],
            body["contact_email"],
            True,
            1,
            now,
            now,
            SUBJECT,
        )
        out.append((org, (ce.id, topic, ce.subject, ce.type, env, now)))
    return out


INSERT_ORG = (
    "INSERT INTO planning.orgs (id, jurisdiction, code, name, kind, parent_id, contact_name,"
    " contact_phone, contact_email, active, version, created_at, updated_at, created_by)"
    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
)
INSERT_OUTBOX = (
    "INSERT INTO planning.outbox (id, topic, key, type, envelope, created_at)"
    " VALUES ($1,$2,$3,$4,$5::jsonb,$6)"
)
SELECT_BY_CODE = "SELECT * FROM planning.orgs WHERE jurisdiction = $1 AND code = $2"


async def serial_breakdown(
    app: Any, client: httpx.AsyncClient, pool: asyncpg.Pool, token: str, n: int
) -> dict[str, float]:
    """One client, one request at a time: what a single org-create costs, piece by piece
    (ms per call, mean of ``n``). Explains the API/raw ratio; not a throughput figure."""
    from planning import service
    from planning.schemas import OrgCreate

    runtime = app.state.runtime
    headers = {"Authorization": f"Bearer {token}"}
    principal = await runtime.verifier.verify(token)
    out: dict[str, float] = {}

    async def timed(name: str, fn: Callable[[int], Awaitable[Any]]) -> None:
        for i in range(min(20, n)):  # warm-up, on codes of its own
            await fn(5_000_000 + i)
        t = time.perf_counter()
        for i in range(n):
            await fn(i)
        out[name] = round((time.perf_counter() - t) / n * 1000, 3)

    async def verify(i: int) -> None:
        await runtime.verifier.verify(token)

    async def validate(i: int) -> None:
        OrgCreate.model_validate(org_body("V", i))

    async def healthz(i: int) -> None:
        await client.get("/api/planning/healthz")

    async def direct(i: int) -> None:
        async with runtime.sessionmaker() as session:
            data = OrgCreate.model_validate(org_body("D", i))
            await service.register_org(session, data=data, actor=principal, now=SystemClock().now())
            await session.commit()

    async def post(i: int) -> None:
        r = await client.post("/api/planning/orgs", json=org_body("S", i), headers=headers)
        if r.status_code != 201:
            raise RuntimeError(r.text)

    rows = raw_rows("Q", n, now=SystemClock().now())
    warm = raw_rows("q", min(20, n), now=SystemClock().now())

    async def raw_same_sql(i: int) -> None:
        org, outbox = rows[i] if i < 5_000_000 else warm[i - 5_000_000]
        async with pool.acquire() as conn, conn.transaction():
            await conn.fetchrow(SELECT_BY_CODE, JURISDICTION, org[2])
            await conn.execute(INSERT_ORG, *org)
            await conn.execute(INSERT_OUTBOX, *outbox)

    await timed("verify_token", verify)
    await timed("validate_body_OrgCreate", validate)
    await timed("GET_healthz_asgi (framework+middleware+client floor)", healthz)
    await timed("raw_asyncpg_same_sql (BEGIN, SELECT by code, 2 INSERTs, COMMIT)", raw_same_sql)
    await timed("register_org+commit_no_http (ORM, emit, same SQL)", direct)
    await timed("POST_orgs_asgi (whole request)", post)
    return out


async def bench_api(url: str, tmp: Path, cfg: Config, report: Report) -> None:
    print("\n[2] Org-create API (POST /api/planning/orgs) vs raw asyncpg", flush=True)
    auth = AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET))
    token = mint_dev_token(
        auth, subject=SUBJECT, roles=[Role.office], jurisdiction=JURISDICTION, name="基准"
    )
    results: dict[str, Any] = {"orgs": cfg.orgs, "concurrency": cfg.concurrency}

    def record(name: str, seconds: float, fails: int, lat: list[float]) -> None:
        if fails:
            raise RuntimeError(f"{name}: {fails} of {cfg.orgs} failed")
        results[name] = {
            "seconds": round(seconds, 3),
            "rate": round(cfg.orgs / seconds, 1),
            "request": lat_summary(lat),
        }
        x = results[name]
        print(
            f"  {name:12s} {cfg.orgs} in {x['seconds']:6.2f} s = {x['rate']:7.1f} /s"
            f"  (per call p50 {x['request']['p50_ms']} ms, p99 {x['request']['p99_ms']} ms)"
        )

    pool = await asyncpg.create_pool(
        asyncpg_dsn(url), min_size=cfg.concurrency, max_size=cfg.concurrency
    )
    try:
        # 2a. In-process through httpx.ASGITransport (no sockets; client in the same loop).
        settings = settings_for(
            "planning",
            database_url=url,
            topic_prefix="bench",
            auth=auth,
            relay_enabled=False,
            consumers_enabled=False,
            db_pool_size=cfg.concurrency,
            log_level="WARNING",
        )
        app = service_module("planning").create_app(settings)
        async with run_app(app) as client:
            record("api_asgi", *await bench_api_client(client, token, "A", cfg))
            breakdown = await serial_breakdown(app, client, pool, token, cfg.serial_n)

        # 2b. Real HTTP: uvicorn (one worker, its own process) on a loopback port.
        if cfg.http:
            port = free_port()
            with (tmp / "planning-server.log").open("wb") as server_log:
                proc = subprocess.Popen(  # noqa: ASYNC220 (starts a child, returns at once)
                    [
                        sys.executable,
                        str(HERE / "planning_server.py"),
                        "--database-url",
                        url,
                        "--port",
                        str(port),
                        "--pool-size",
                        str(cfg.concurrency),
                    ],
                    stdout=server_log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
                try:
                    await wait_http(port, proc)
                    limits = httpx.Limits(
                        max_connections=cfg.concurrency,
                        max_keepalive_connections=cfg.concurrency,
                    )
                    async with httpx.AsyncClient(
                        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
                    ) as client:
                        record("api_http", *await bench_api_client(client, token, "H", cfg))
                finally:
                    proc.terminate()
                    try:
                        proc.wait(15)
                    except subprocess.TimeoutExpired:
                        proc.kill()

        # 2c. Raw asyncpg: the same org row plus one outbox row (same envelope), one
        # transaction per org, a pool as large as the concurrency. Rows built beforehand.
        async def run_rows(
            rows: list[tuple[tuple[Any, ...], tuple[Any, ...]]],
        ) -> tuple[float, int, list[float]]:
            async def insert(i: int) -> bool:
                org, outbox = rows[i]
                async with pool.acquire() as conn, conn.transaction():
                    await conn.execute(INSERT_ORG, *org)
                    await conn.execute(INSERT_OUTBOX, *outbox)
                return True

            return await run_concurrent(len(rows), cfg.concurrency, insert)

        now = SystemClock().now()
        await run_rows(raw_rows("W", cfg.warmup_orgs, now=now))
        record("raw_asyncpg", *await run_rows(raw_rows("R", cfg.orgs, now=now)))
        async with pool.acquire() as conn:
            size = (
                "SELECT octet_length(envelope::text) FROM planning.outbox "
                "WHERE envelope->'data'->>'code' = $1"
            )
            results["envelope_bytes_api"] = await conn.fetchval(size, "A0000000")
            results["envelope_bytes_raw"] = await conn.fetchval(size, "R0000000")
            results["orgs_in_table_after"] = await conn.fetchval(
                "SELECT count(*) FROM planning.orgs"
            )
    finally:
        await pool.close()

    raw_rate = results["raw_asyncpg"]["rate"]
    for name in ("api_asgi", "api_http"):
        if name in results:
            results[f"ratio_{name}_vs_raw"] = round(results[name]["rate"] / raw_rate, 3)
    results["serial_breakdown_ms"] = breakdown
    print(
        f"  envelope size (jsonb text): API {results['envelope_bytes_api']} B,"
        f" raw {results['envelope_bytes_raw']} B"
    )
    print(
        "  ratio API/raw: "
        + ", ".join(
            f"{k.removeprefix('ratio_')} = {v}"
            for k, v in results.items()
            if k.startswith("ratio_")
        )
    )
    print(f"  one client, one call at a time (ms per call, mean of {cfg.serial_n}):")
    for k, v in breakdown.items():
        print(f"    {v:7.3f}  {k}")
    report.api = results


# --------------------------------------------------------------------------- 3. latency


async def bench_latency(url: str, bootstrap: str, tmp: Path, cfg: Config, report: Report) -> None:
    print(
        "\n[3] Commit → handler latency over Kafka "
        f"(offered {', '.join(f'{r:g}/s' for r in cfg.rates)}, {cfg.seconds:g} s each,"
        " one transaction per event)",
        flush=True,
    )
    topic, dlq, group = "bench.latency.v1", "bench.dlq.contract", "bench.latency"
    engine = create_engine(url, pool_size=2)  # the relay's, as in a service
    writer = create_engine(url, pool_size=8)  # the committers'
    kafka = KafkaBus(bootstrap, client_id="bench-latency", partitions=PARTITIONS)
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
        ],
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


# --------------------------------------------------------------------------- main


async def amain(cfg: Config) -> Report:
    report = Report()
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    print("Xuncha benchmark" + (" (quick)" if cfg.quick else ""), flush=True)
    log(f"starting PostgreSQL and Kafka in {tmp}")
    pg, broker = await start_infra(tmp, cfg, report)
    try:
        url = await prepare_database(pg)
        facts = machine_facts(broker)
        pgconn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            facts["postgresql"] = await pgconn.fetchval("SHOW server_version")
            facts["pg_fsync"] = await pgconn.fetchval("SHOW fsync")
            facts["pg_synchronous_commit"] = await pgconn.fetchval("SHOW synchronous_commit")
        finally:
            await pgconn.close()
        facts["infra_start_s"] = report.timings["infra_start_s"]
        load_avg = os.getloadavg()
        facts["loadavg_1m_at_start"] = round(load_avg[0], 2)
        report.facts = facts
        print("\nMachine")
        for k, v in facts.items():
            print(f"  {k:22s} {v}")

        monitor = LoadMonitor([os.getpid(), pg.server.get_pid() or os.getpid()])
        sections: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("relay", lambda: bench_relay(url, broker.bootstrap_servers, cfg, report)),
            ("api", lambda: bench_api(url, tmp, cfg, report)),
            ("latency", lambda: bench_latency(url, broker.bootstrap_servers, tmp, cfg, report)),
        ]
        for name, run in sections:
            if name not in cfg.only:
                continue
            monitor.start()
            await run()
            load = monitor.stop()
            report.timings[f"{name}_s"] = load["wall_s"]
            report.load[name] = load
            print_load(load)
    finally:
        await asyncio.to_thread(broker.stop)
        with contextlib.suppress(Exception):
            pg.server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    report.timings["total_s"] = round(time.perf_counter() - began, 1)
    print(f"\nSummary (whole run {report.timings['total_s']} s: {report.timings})")
    if report.relay:
        print(
            f"  relay {report.relay['relay_rate']} ev/s vs raw {report.relay['raw_rate']} ev/s"
            f" → ratio {report.relay['ratio']}"
        )
    for name in ("api_asgi", "api_http"):
        if name in report.api:
            print(
                f"  {name} {report.api[name]['rate']} orgs/s vs raw asyncpg "
                f"{report.api['raw_asyncpg']['rate']} rows/s → ratio "
                f"{report.api[f'ratio_{name}_vs_raw']}"
            )
    for r in report.latency.get("runs", []):
        c = r["commit_to_handler"]
        print(
            f"  commit→handler at {r['target_rate']:g}/s: p50 {c['p50_ms']} / p95 {c['p95_ms']}"
            f" / p99 {c['p99_ms']} / max {c['max_ms']} ms"
        )
    return report


def parse_args(argv: Sequence[str] | None = None) -> Config:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--events", type=int, help="events through the relay (default 20000; quick 3000)"
    )
    p.add_argument("--orgs", type=int, help="orgs created per run (default 2000; quick 200)")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument(
        "--rates",
        help="latency: commits per second, comma-separated runs (default 50,200; quick 200)",
    )
    p.add_argument("--seconds", type=float, help="latency: seconds per rate (default 10; quick 3)")
    p.add_argument(
        "--relay-batch", type=int, default=500, help="relay batch size (default 500, as shipped)"
    )
    p.add_argument("--quick", action="store_true", help="smaller sizes: under a minute")
    p.add_argument("--no-http", action="store_true", help="skip the uvicorn/real-HTTP API run")
    p.add_argument(
        "--no-fsync",
        action="store_true",
        help="PostgreSQL with fsync/synchronous_commit off (as the test suite runs)",
    )
    p.add_argument(
        "--only",
        default="relay,api,latency",
        help="sections to run, comma-separated (default relay,api,latency)",
    )
    p.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    a = p.parse_args(argv)
    return Config(
        events=a.events or (3_000 if a.quick else 20_000),
        orgs=a.orgs or (200 if a.quick else 2_000),
        concurrency=a.concurrency,
        rates=[float(r) for r in (a.rates or ("200" if a.quick else "50,200")).split(",")],
        seconds=a.seconds or (3.0 if a.quick else 10.0),
        serial_n=50 if a.quick else 200,
        backlog=200 if a.quick else 1_000,
        relay_batch=a.relay_batch,
        warmup_events=300 if a.quick else 1_000,
        warmup_orgs=30 if a.quick else 100,
        http=not a.no_http,
        fsync=not a.no_fsync,
        json_path=a.json,
        quick=a.quick,
        only=[x.strip() for x in a.only.split(",") if x.strip()],
    )


def main() -> None:
    cfg = parse_args()
    try:
        import uvloop  # the loop uvicorn runs the services on

        runner: Callable[[Any], Any] = uvloop.run
    except ImportError:
        runner = asyncio.run
    report = runner(amain(cfg))
    if cfg.json_path:
        cfg.json_path.write_text(
            json.dumps(
                {"config": dataclasses.asdict(cfg), **dataclasses.asdict(report)},
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )


if __name__ == "__main__":
    main()

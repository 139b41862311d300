"""Set-up: PostgreSQL and Kafka in a temporary directory, the bench database, machine facts."""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import subprocess
import time
from importlib.metadata import version as pkg_version
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import text
from xuncha_shared.db import create_engine
from xuncha_shared.messaging import outbox_trigger_sql
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.testing import contract_worker as cw
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker
from xuncha_shared.testing.plugin import migrate_all

from bench.common import Config, Report

KAFKA_FREE_SECTIONS = frozenset({"api", "scale", "demo"})


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
    # Both start in threads at once: Kafka's JVM takes the longest. The API and scale
    # sections need PostgreSQL only.
    starts = [asyncio.to_thread(pg.start)]
    if set(cfg.only) - KAFKA_FREE_SECTIONS:
        starts.append(asyncio.to_thread(broker.start))
    results = await asyncio.gather(*starts, return_exceptions=True)
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

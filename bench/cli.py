"""Xuncha benchmark: outbox relay vs raw producer, org-create API vs raw asyncpg, consumer
with inbox vs raw consumer, and commit → handler latency over Kafka. One run on this
machine, with its own PostgreSQL and Kafka broker in a temporary directory.

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
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import asyncpg
from xuncha_shared.bus.postgres import asyncpg_dsn

from bench.api import api_run_names, bench_api
from bench.common import Config, Report, log
from bench.consumer import bench_consumer
from bench.demo import bench_demo
from bench.infra import machine_facts, prepare_database, start_infra
from bench.latency import bench_latency
from bench.load import LoadMonitor, print_load
from bench.relay import bench_relay
from bench.scale import bench_scale

__all__ = ["main"]


async def amain(cfg: Config) -> Report:
    report = Report()
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    print("Xuncha benchmark" + (" (quick)" if cfg.quick else ""), flush=True)
    if set(cfg.only) <= {"demo"}:
        # The demo section starts its own embedded run (with its own PostgreSQL).
        try:
            await run_sections(cfg, report, tmp, [("demo", lambda: bench_demo(tmp, cfg, report))])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return finish(report, began)
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
        report.facts = facts
        print_facts(report)

        creds, servers = broker.operator_credentials, broker.bootstrap_servers
        sections: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("relay", lambda: bench_relay(url, servers, cfg, report, creds)),
            ("api", lambda: bench_api(url, tmp, cfg, report)),
            ("consumer", lambda: bench_consumer(url, servers, cfg, report, creds)),
            (
                "latency",
                lambda: bench_latency(url, servers, tmp, cfg, report, creds),
            ),
            ("scale", lambda: bench_scale(url, cfg, report)),
            ("demo", lambda: bench_demo(tmp, cfg, report)),
        ]
        await run_sections(cfg, report, tmp, sections, pg.server.get_pid())
    finally:
        await asyncio.to_thread(broker.stop)
        with contextlib.suppress(Exception):
            pg.server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    return finish(report, began)


def print_facts(report: Report) -> None:
    report.facts["loadavg_1m_at_start"] = round(os.getloadavg()[0], 2)
    print("\nMachine")
    for k, v in report.facts.items():
        print(f"  {k:22s} {v}")


async def run_sections(
    cfg: Config,
    report: Report,
    tmp: Path,
    sections: list[tuple[str, Callable[[], Awaitable[None]]]],
    pg_pid: int | None = None,
) -> None:
    """Run the sections ``--only`` names, each with the machine's load printed after it."""
    if not report.facts:
        report.facts = {"cores": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0))}
        print_facts(report)
    monitor = LoadMonitor([os.getpid(), pg_pid or os.getpid()])
    for name, run in sections:
        if name not in cfg.only:
            continue
        monitor.start()
        await run()
        load = monitor.stop()
        report.timings[f"{name}_s"] = load["wall_s"]
        report.load[name] = load
        print_load(load)


def finish(report: Report, began: float) -> Report:
    report.timings["total_s"] = round(time.perf_counter() - began, 1)
    print(f"\nSummary (whole run {report.timings['total_s']} s: {report.timings})")
    if report.relay:
        print(
            f"  relay {report.relay['relay_rate']} ev/s vs raw {report.relay['raw_rate']} ev/s"
            f" → ratio {report.relay['ratio']}"
        )
    for name in api_run_names(report.api):
        if name in report.api:
            print(
                f"  {name} {report.api[name]['rate']} orgs/s vs raw asyncpg "
                f"{report.api['raw_asyncpg']['rate']} rows/s → ratio "
                f"{report.api[f'ratio_{name}_vs_raw']}"
            )
    if "problem_api_asgi" in report.api:
        api, raw = report.api["problem_api_asgi"], report.api["problem_raw_asyncpg"]
        print(
            f"  problem_api_asgi {api['rate']} problems/s (p99 {api['request']['p99_ms']} ms)"
            f" vs raw asyncpg {raw['rate']} rows/s → ratio"
            f" {report.api['ratio_problem_api_asgi_vs_raw']}"
        )
    for backend, r in report.consumer.items():
        print(
            f"  consumer on {backend} {r['consumer']['rate']} ev/s vs raw {r['raw']['rate']}"
            f" ev/s → ratio {r['ratio']}"
        )
    for r in report.latency.get("runs", []):
        c = r["commit_to_handler"]
        print(
            f"  commit→handler at {r['target_rate']:g}/s: p50 {c['p50_ms']} / p95 {c['p95_ms']}"
            f" / p99 {c['p99_ms']} / max {c['max_ms']} ms"
        )
    if report.demo:
        d = report.demo
        print(
            f"  demo county {d['seconds']} s ({d['requests']} requests); embedded run RSS"
            f" {d['rss_mb']} MB after the load, peak {d['peak_rss_mb']} MB"
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
    p.add_argument(
        "--consumer-events",
        type=int,
        help="consumer throughput: backlog per run (default 10000; quick 3000)",
    )
    p.add_argument("--quick", action="store_true", help="smaller sizes: under a minute")
    p.add_argument("--no-http", action="store_true", help="skip the uvicorn/real-HTTP API run")
    p.add_argument(
        "--http-workers",
        default="1,2",
        help="worker processes of the real-HTTP API runs, one run each (default 1,2)",
    )
    p.add_argument(
        "--no-fsync",
        action="store_true",
        help="PostgreSQL with fsync/synchronous_commit off (as the test suite runs)",
    )
    p.add_argument(
        "--only",
        default="relay,api,consumer,latency,scale,demo",
        help="sections to run, comma-separated (default relay,api,consumer,latency,scale,demo)",
    )
    p.add_argument(
        "--scale-rows",
        help="scale: problems and tasks in the big jurisdiction, comma-separated sizes"
        " (default 100000,1000000; quick 10000,100000)",
    )
    p.add_argument(
        "--scale-calls", type=int, help="scale: calls per endpoint and size (default 100; quick 20)"
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
        http_workers=[int(w) for w in a.http_workers.split(",") if w.strip()],
        fsync=not a.no_fsync,
        json_path=a.json,
        quick=a.quick,
        only=[x.strip() for x in a.only.split(",") if x.strip()],
        consumer_events=a.consumer_events or (3_000 if a.quick else 10_000),
        scale_rows=[
            int(x)
            for x in (a.scale_rows or ("10000,100000" if a.quick else "100000,1000000")).split(",")
        ],
        scale_calls=a.scale_calls or (20 if a.quick else 100),
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

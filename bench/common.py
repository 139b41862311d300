"""What every section of the benchmark shares: constants, the run's configuration and
report, percentiles and a concurrent runner."""

from __future__ import annotations

import asyncio
import socket
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    http_workers: list[int]
    fsync: bool
    json_path: Path | None
    quick: bool
    only: list[str]
    consumer_events: int = 10_000
    scale_rows: list[int] = field(default_factory=lambda: [100_000, 1_000_000])
    scale_calls: int = 100


@dataclass
class Report:
    facts: dict[str, Any] = field(default_factory=dict)
    relay: dict[str, Any] = field(default_factory=dict)
    api: dict[str, Any] = field(default_factory=dict)
    latency: dict[str, Any] = field(default_factory=dict)
    consumer: dict[str, Any] = field(default_factory=dict)
    scale: dict[str, Any] = field(default_factory=dict)
    demo: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    load: dict[str, dict[str, float]] = field(default_factory=dict)

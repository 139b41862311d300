"""Section 2: the org-create API (POST /api/planning/orgs) vs raw asyncpg (orgs/s)."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.bus.postgres import asyncpg_dsn
from xuncha_shared.clock import SystemClock
from xuncha_shared.testing.plugin import TEST_SECRET, run_app, service_module, settings_for

from bench.api_baseline import INSERT_ORG, INSERT_OUTBOX, org_body, raw_rows, serial_breakdown
from bench.api_problems import bench_problem_create
from bench.common import (
    HERE,
    JURISDICTION,
    SUBJECT,
    Config,
    Report,
    free_port,
    lat_summary,
    run_concurrent,
)


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


async def wait_http(port: int, proc: subprocess.Popen[bytes], timeout: float = 150) -> None:
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


def http_run_name(workers: int) -> str:
    """``api_http`` for one worker (the figure's name before workers existed), else
    ``api_http_<n>w``."""
    return "api_http" if workers == 1 else f"api_http_{workers}w"


def api_run_names(results: dict[str, Any]) -> list[str]:
    """The org-create runs in ``results``: in-process first, then each HTTP run."""
    return [k for k in results if k == "api_asgi" or k.startswith("api_http")]


async def bench_http(
    url: str, tmp: Path, cfg: Config, token: str, workers: int, *, prefix: str
) -> tuple[float, int, list[float]]:
    """The org creates through uvicorn (``workers`` processes, each with a pool as large as
    the concurrency) with an httpx client in the bench's process."""
    port = free_port()
    with (tmp / f"planning-server-{workers}w.log").open("wb") as server_log:
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
                "--workers",
                str(workers),
            ],
            stdout=server_log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            await wait_http(port, proc)
            limits = httpx.Limits(
                max_connections=cfg.concurrency, max_keepalive_connections=cfg.concurrency
            )
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
            ) as client:
                return await bench_api_client(client, token, prefix, cfg)
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


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

        # 2b. Real HTTP: uvicorn in its own process on a loopback port, once per worker count.
        if cfg.http:
            for workers in cfg.http_workers:
                name = http_run_name(workers)
                record(name, *await bench_http(url, tmp, cfg, token, workers, prefix=f"H{workers}"))

        # 2d. A problem create with its hand-over event, and raw asyncpg doing its INSERTs.
        await bench_problem_create(url, pool, cfg, auth, results)

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
    for name in api_run_names(results):
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

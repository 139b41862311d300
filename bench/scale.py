"""Section 5: the figures API, the promotion check and deep list pages at scale.

For each size (``--scale-rows``, default 100000,1000000) the section writes a province of
100 jurisdictions into PostgreSQL (:mod:`bench.scale_data`: the big one with that many
problems and rectification tasks, the others a hundredth each), VACUUM ANALYZEs, then calls
the real endpoints in-process (httpx ASGITransport, an office token of the big jurisdiction)
``--scale-calls`` times each and prints p50/p99 per endpoint, and at the end the ratio of
the largest size to the smallest. Generation is timed apart from the calls.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.bus.postgres import asyncpg_dsn
from xuncha_shared.http import encode_cursor
from xuncha_shared.testing.plugin import TEST_SECRET, run_app, service_module, settings_for

from bench.common import SUBJECT, Config, Report, lat_summary, log
from bench.scale_data import BIG, DATA_TABLES, generate, leader, person, province

PAGE = 50
DEEP_PAGE = 500
"""The deep page of a list: the one after 499 pages of 50, reached through its cursor."""


def md5_uuid(key: str) -> str:
    """The id the generator gave ``key`` (``md5(key)::uuid``)."""
    import hashlib

    h = hashlib.md5(key.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


async def deep_cursor(conn: asyncpg.Connection, sql: str, *args: Any) -> tuple[int, str]:
    """The cursor of page ``DEEP_PAGE`` (or the last full page of a shorter list): the sort
    key of the last row of the page before, and the page's number."""
    rows = int(await conn.fetchval(f"SELECT count(*) FROM ({sql}) q", BIG, *args))
    page = max(2, min(DEEP_PAGE, rows // PAGE))
    row = await conn.fetchrow(f"{sql} OFFSET {(page - 1) * PAGE - 1} LIMIT 1", BIG, *args)
    assert row is not None, sql
    values = [v.isoformat() if hasattr(v, "isoformat") else str(v) for v in row]
    return page, encode_cursor(values)


async def endpoints(conn: asyncpg.Connection) -> list[tuple[str, str, str]]:
    """(service, name, path) of every call the section times."""
    old_round = md5_uuid(f"{BIG}:r:0")
    new_org = md5_uuid(f"{BIG}:o:{23 * 25 + 3}")  # inspected in the newest round
    old_org = md5_uuid(f"{BIG}:o:5")
    problems = await deep_cursor(
        conn,
        "SELECT created_at, id FROM findings.problems WHERE jurisdiction = $1"
        " ORDER BY created_at, id",
    )
    problems_round = await deep_cursor(
        conn,
        "SELECT created_at, id FROM findings.problems WHERE jurisdiction = $1 AND round_id = $2"
        " ORDER BY created_at, id",
        old_round,
    )
    tasks = await deep_cursor(
        conn,
        "SELECT opened_at, id FROM rectification.tasks WHERE jurisdiction = $1"
        " ORDER BY opened_at, id",
    )
    tasks_open = await deep_cursor(
        conn,
        "SELECT opened_at, id FROM rectification.tasks WHERE jurisdiction = $1"
        " AND status = 'open' ORDER BY opened_at, id",
    )
    records = await deep_cursor(
        conn,
        "SELECT occurred_on, record_id FROM planning.figure_facts WHERE jurisdiction = $1"
        " AND kind = 'problems_fed_back' ORDER BY occurred_on DESC, record_id",
    )
    f, r, p = "/api/planning/figures", "/api/rectification", "/api/findings/problems"
    return [
        ("planning", "figures", f),
        ("planning", "figures?year=2025", f"{f}?year=2025"),
        ("planning", "figures?org_kind=village", f"{f}?org_kind=village"),
        ("planning", "breakdown?by=round", f"{f}/breakdown?by=round"),
        ("planning", "breakdown?by=org_kind", f"{f}/breakdown?by=org_kind"),
        ("planning", "records page 1", f"{f}/problems_fed_back/records?limit={PAGE}"),
        (
            "planning",
            "records deep page",
            f"{f}/problems_fed_back/records?limit={PAGE}&cursor={records[1]}",
        ),
        ("planning", "records (clue counts)", f"{f}/cases_filed/records?limit={PAGE}"),
        (
            "rectification",
            "promotion account",
            f"{r}/promotion-check?account={leader(BIG, 5, 600)}",
        ),
        ("rectification", "promotion person", f"{r}/promotion-check?person={person(5, 0)}"),
        ("rectification", "promotion person (none)", f"{r}/promotion-check?person={person(5, 4)}"),
        ("rectification", "promotion org (old)", f"{r}/promotion-check?org_id={old_org}"),
        ("rectification", "promotion org (new)", f"{r}/promotion-check?org_id={new_org}"),
        ("rectification", "tasks page 1", f"{r}/tasks?limit={PAGE}"),
        ("rectification", "tasks deep page", f"{r}/tasks?limit={PAGE}&cursor={tasks[1]}"),
        (
            "rectification",
            "tasks open deep page",
            f"{r}/tasks?status=open&limit={PAGE}&cursor={tasks_open[1]}",
        ),
        ("findings", "problems page 1", f"{p}?limit={PAGE}"),
        ("findings", "problems deep page", f"{p}?limit={PAGE}&cursor={problems[1]}"),
        (
            "findings",
            "problems round deep page",
            f"{p}?round_id={old_round}&limit={PAGE}&cursor={problems_round[1]}",
        ),
    ]


async def time_calls(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], n: int
) -> tuple[dict[str, float], Any]:
    """``n`` sequential calls after three warm-ups; the latencies and the last body."""
    body: Any = None
    for _ in range(3):
        r = await client.get(path, headers=headers)
        if r.status_code != 200:
            raise RuntimeError(f"{path}: {r.status_code} {r.text[:300]}")
    ms: list[float] = []
    cpu: list[float] = []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        r = await client.get(path, headers=headers)
        ms.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        body = r.json()
    cpu.sort()
    return {**lat_summary(ms), "cpu_p50_ms": round(cpu[len(cpu) // 2], 2)}, body


def shape(body: Any) -> str:
    """A few words about a response, so a fast empty answer shows as one."""
    if isinstance(body, dict):
        if "items" in body:
            more = "" if body.get("total_exact", True) else "≥ "
            return f"{len(body['items'])} items of {more}{body.get('total')}"
        if "tasks" in body:
            return f"{len(body['tasks'])} blocking tasks"
        if "rows" in body:
            return f"{len(body['rows'])} rows"
        if "problems_fed_back" in body:
            return f"{body['problems_fed_back']} problems, {body['tasks_total']} tasks"
    return ""


async def measure(url: str, conn: asyncpg.Connection, cfg: Config) -> dict[str, Any]:
    auth = AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET))
    token = mint_dev_token(
        auth, subject=SUBJECT, roles=[Role.office], jurisdiction=BIG, name="基准"
    )
    headers = {"Authorization": f"Bearer {token}"}
    calls = await endpoints(conn)
    out: dict[str, Any] = {}
    async with contextlib.AsyncExitStack() as stack:
        clients: dict[str, httpx.AsyncClient] = {}
        for name in ("planning", "findings", "rectification"):
            settings = settings_for(
                name,
                database_url=url,
                topic_prefix="bench",
                auth=auth,
                relay_enabled=False,
                consumers_enabled=False,
                # The deadline sweeps are background work, not a request: they would run
                # during the timed calls (at 1M a sweep reads every unaccepted task).
                scheduler_enabled=False,
                db_pool_size=2,
                log_level="WARNING",
            )
            app = service_module(name).create_app(settings)
            clients[name] = await stack.enter_async_context(run_app(app))
        for service, name, path in calls:
            summary, body = await time_calls(clients[service], path, headers, cfg.scale_calls)
            out[name] = {**summary, "answer": shape(body)}
            print(
                f"    {name:30s} p50 {summary['p50_ms']:7.2f} ms  p99 {summary['p99_ms']:7.2f} ms"
                f"  cpu {summary['cpu_p50_ms']:5.1f} ms  ({out[name]['answer']})",
                flush=True,
            )
    return out


async def row_counts(conn: asyncpg.Connection) -> dict[str, int]:
    return {t: int(await conn.fetchval(f"SELECT count(*) FROM {t}")) for t in DATA_TABLES}


async def bench_scale(url: str, cfg: Config, report: Report) -> None:
    print("\n[5] Scale: figures, promotion check and deep list pages", flush=True)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    results: dict[str, Any] = {"calls": cfg.scale_calls, "page": PAGE, "deep_page": DEEP_PAGE}
    try:
        for n in cfg.scale_rows:
            print(f"  {n:,} problems and tasks in {BIG} (99 others with {max(n // 100, 100):,})")
            t = time.perf_counter()
            await generate(conn, province(n))
            generated = time.perf_counter() - t
            t = time.perf_counter()
            await conn.execute("VACUUM ANALYZE")
            vacuumed = time.perf_counter() - t
            counts = await row_counts(conn)
            log(f"rows: {counts}")
            print(f"    generated in {generated:.1f} s, VACUUM ANALYZE {vacuumed:.1f} s")
            results[str(n)] = {
                "generate_s": round(generated, 1),
                "vacuum_analyze_s": round(vacuumed, 1),
                "rows": counts,
                "endpoints": await measure(url, conn, cfg),
            }
    finally:
        await conn.close()
    sizes = [str(n) for n in cfg.scale_rows]
    if len(sizes) > 1:
        small, big = results[sizes[0]]["endpoints"], results[sizes[-1]]["endpoints"]
        print(f"  p99 ratio {sizes[-1]} / {sizes[0]}:")
        ratios: dict[str, float] = {}
        for name in big:
            ratios[name] = round(big[name]["p99_ms"] / max(small[name]["p99_ms"], 0.01), 2)
            print(f"    {name:30s} {ratios[name]:5.2f}×")
        results["p99_ratio"] = ratios
    report.scale = results


Section = Callable[[], Any]

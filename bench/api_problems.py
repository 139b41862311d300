"""Section 2, second pair: a problem create with its hand-over event
(``POST /api/findings/problems``, ``immediate``: a problem row and two outbox rows) vs raw
asyncpg doing the same INSERTs (problems/s)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.testing.plugin import run_app, service_module, settings_for

from bench.common import Config, lat_summary, run_concurrent
from services.findings.tests.api.factories import county


def problem_body(assignment_id: uuid.UUID, i: int) -> dict[str, Any]:
    return {
        "assignment_id": str(assignment_id),
        "category": "four_winds",
        "description": f"村干部违规接受宴请（基准{i}）",
        "found_by": "evening_talk",
        "immediate": True,
        "people_involved": ["张某某（村委会委员）"],
    }


async def bench_problem_create(
    url: str, pool: asyncpg.Pool, cfg: Config, auth: AuthConfig, results: dict[str, Any]
) -> None:
    """Adds ``problem_api_asgi``, ``problem_raw_asyncpg`` and their ratio to ``results``."""
    settings = settings_for(
        "findings",
        database_url=url,
        topic_prefix="bench",
        auth=auth,
        relay_enabled=False,
        consumers_enabled=False,
        scheduler_enabled=False,
        db_pool_size=cfg.concurrency,
        log_level="WARNING",
    )
    app = service_module("findings").create_app(settings)
    async with run_app(app) as client:
        async with pool.acquire() as conn:
            place = await county(conn, jurisdiction="410899")
        assignment = place.assignments["town"]
        token = mint_dev_token(
            auth,
            subject=place.members["g1"],
            roles=[Role.group],
            jurisdiction=place.jurisdiction,
            name="基准组员",
        )
        headers = {"Authorization": f"Bearer {token}"}

        async def create(i: int) -> bool:
            r = await client.post(
                "/api/findings/problems", json=problem_body(assignment, i), headers=headers
            )
            return r.status_code == 201

        _, fails, _ = await run_concurrent(cfg.warmup_orgs, cfg.concurrency, create)
        if fails:
            raise RuntimeError(f"{fails} warm-up problem creates failed")
        seconds, fails, lat = await run_concurrent(cfg.orgs, cfg.concurrency, create)
        if fails:
            raise RuntimeError(f"problem_api_asgi: {fails} of {cfg.orgs} failed")
        results["problem_api_asgi"] = _figure(cfg.orgs, seconds, lat)

    # The raw baseline writes copies of one row the API wrote: the same problem columns and
    # the same two outbox envelopes (recorded, handed over), new ids, one transaction each.
    async with pool.acquire() as conn:
        problem = dict(
            await conn.fetchrow(
                "SELECT * FROM findings.problems WHERE assignment_id = $1 LIMIT 1", assignment
            )
        )
        outbox = [
            dict(r)
            for r in await conn.fetch(
                "SELECT topic, key, type, envelope::text AS envelope, created_at"
                " FROM findings.outbox WHERE key = $1 ORDER BY seq",
                str(problem["id"]),
            )
        ]
    if len(outbox) != 2:
        raise RuntimeError(f"expected 2 outbox rows per immediate problem, got {len(outbox)}")
    columns = list(problem)
    insert_problem = (
        f"INSERT INTO findings.problems ({', '.join(columns)})"
        f" VALUES ({', '.join(f'${i + 1}' for i in range(len(columns)))})"
    )
    insert_outbox = (
        "INSERT INTO findings.outbox (id, topic, key, type, envelope, created_at)"
        " VALUES ($1, $2, $3, $4, $5::jsonb, $6)"
    )

    def rows(n: int) -> list[tuple[list[Any], list[tuple[Any, ...]]]]:
        out = []
        for _ in range(n):
            pid = uuid.uuid4()
            values = [pid if c == "id" else problem[c] for c in columns]
            events = [
                (uuid.uuid4(), o["topic"], str(pid), o["type"], o["envelope"], o["created_at"])
                for o in outbox
            ]
            out.append((values, events))
        return out

    async def run(prepared: list[tuple[list[Any], list[tuple[Any, ...]]]]) -> Any:
        async def insert(i: int) -> bool:
            values, events = prepared[i]
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute(insert_problem, *values)
                await conn.executemany(insert_outbox, events)
            return True

        return await run_concurrent(len(prepared), cfg.concurrency, insert)

    await run(rows(cfg.warmup_orgs))
    seconds, _, lat = await run(rows(cfg.orgs))
    results["problem_raw_asyncpg"] = _figure(cfg.orgs, seconds, lat)
    results["ratio_problem_api_asgi_vs_raw"] = round(
        results["problem_api_asgi"]["rate"] / results["problem_raw_asyncpg"]["rate"], 3
    )
    for name in ("problem_api_asgi", "problem_raw_asyncpg"):
        x = results[name]
        print(
            f"  {name:20s} {cfg.orgs} in {x['seconds']:6.2f} s = {x['rate']:7.1f} /s"
            f"  (per call p50 {x['request']['p50_ms']} ms, p99 {x['request']['p99_ms']} ms)"
        )


def _figure(n: int, seconds: float, lat: list[float]) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 3),
        "rate": round(n / seconds, 1),
        "request": lat_summary(lat),
    }

"""Section 2's baselines: the org rows raw asyncpg writes, and the serial breakdown of one
org-create piece by piece."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg
import httpx
from xuncha_shared.auth import TokenVerifier
from xuncha_shared.auth.verified_tokens import VerifiedTokenCache
from xuncha_shared.clock import SystemClock
from xuncha_shared.events.base import envelope
from xuncha_shared.events.planning import OrgRegistered
from xuncha_shared.orgs import OrgKind
from xuncha_shared.settings import topic_for
from xuncha_shared.tracing import new_traceparent

from bench.common import JURISDICTION, SUBJECT


def org_body(prefix: str, i: int) -> dict[str, Any]:
    return {
        "code": f"{prefix}{i:07d}",
        "name": f"巡察基准组织{i}",
        "kind": "township",
        "contact_name": "张三",
        "contact_phone": "0396-1234567",
        "contact_email": f"org{i}@example.cn",
    }


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
    from planning.orgs import service
    from planning.orgs.schemas import OrgCreate

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

    # The full check (signature and claims), and what a request pays once its token has
    # verified: the principal kept by the verifier's cache.
    uncached = TokenVerifier(runtime.verifier.config, verified=VerifiedTokenCache(max_size=0))

    async def verify(i: int) -> None:
        await uncached.verify(token)

    async def verify_cached(i: int) -> None:
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

    await timed("verify_token (full check)", verify)
    await timed("verify_token (verified before: cached)", verify_cached)
    await timed("validate_body_OrgCreate", validate)
    await timed("GET_healthz_asgi (framework+middleware+client floor)", healthz)
    await timed("raw_asyncpg_same_sql (BEGIN, SELECT by code, 2 INSERTs, COMMIT)", raw_same_sql)
    await timed("register_org+commit_no_http (ORM, emit, same SQL)", direct)
    await timed("POST_orgs_asgi (whole request)", post)
    return out

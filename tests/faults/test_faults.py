"""Faults a service must ride out: Kafka unreachable, PostgreSQL refusing connections."""

from __future__ import annotations

import socket
from typing import Any

import asyncpg
from xuncha_shared.auth import Role
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import asyncpg_dsn
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.testing.plugin import eventually


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_kafka_down_never_fails_a_request(platform: Any, token: Any, db: Any) -> None:
    bus = KafkaBus(f"127.0.0.1:{_closed_port()}", request_timeout_ms=1000)
    running = await platform("planning", bus=bus, relay_poll_seconds=0.1)
    office = {"Authorization": f"Bearer {token(Role.office)}"}
    for i in range(3):
        r = await running.client("planning").post(
            "/api/planning/orgs",
            json={"code": f"K{i}", "name": f"单位{i}", "kind": "department"},
            headers=office,
        )
        assert r.status_code == 201, r.text
    # The events wait in the outbox for the broker; none is lost or marked sent.
    assert await db.fetchval("SELECT count(*) FROM planning.outbox WHERE published_at IS NULL") == 3
    r = await running.client("planning").get("/api/planning/readyz")
    assert r.status_code == 200


async def test_database_down_is_503_and_recovers(
    platform: Any, token: Any, database_url: str, pg: LocalPostgres
) -> None:
    running = await platform("planning")
    client = running.client("planning")
    office = {"Authorization": f"Bearer {token(Role.office)}"}
    r = await client.post(
        "/api/planning/orgs",
        json={"code": "P1", "name": "甲", "kind": "department"},
        headers=office,
    )
    assert r.status_code == 201
    name = database_url.rsplit("/", 1)[1].split("?")[0]
    admin = await asyncpg.connect(pg.dsn("postgres"))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        assert (await client.get("/api/planning/readyz")).status_code == 503
        assert (await client.get("/readyz")).status_code == 503
        for request in (
            client.get("/api/planning/orgs", headers=office),
            client.post(
                "/api/planning/orgs",
                json={"code": "P2", "name": "乙", "kind": "department"},
                headers=office,
            ),
        ):
            r = await request
            assert r.status_code == 503, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["message_zh"] and r.headers["Retry-After"]
        assert (await client.get("/api/planning/healthz")).status_code == 200
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()

    # Back by itself: no restart of the service.
    async def ready() -> bool:
        return bool((await client.get("/api/planning/readyz")).status_code == 200)

    await eventually(ready, timeout=30)
    r = await client.post(
        "/api/planning/orgs",
        json={"code": "P2", "name": "乙", "kind": "department"},
        headers=office,
    )
    assert r.status_code == 201, r.text
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        assert await conn.fetchval("SELECT count(*) FROM planning.orgs") == 2
    finally:
        await conn.close()

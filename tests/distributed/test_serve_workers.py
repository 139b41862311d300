"""``python -m xuncha.serve <name> --workers N``: one port served by N processes, each a whole
replica (pool, relay, consumers), and the outbox still published once per event.

The service runs on the PostgreSQL bus here, so the test needs no Kafka: the relay's
advisory lock is what keeps two relays in two workers from publishing a row twice.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.testing.plugin import TEST_SECRET, eventually

from tests.distributed.processes import REPO, START_TIMEOUT, auth, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

J = "410825"
WORKERS = 2


def worker_pids(parent: int) -> list[int]:
    """The uvicorn worker processes under ``parent`` (spawned interpreters running
    ``spawn_main``; the resource tracker, if any, is not one)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    pids = []
    for pid in map(int, children):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in cmdline:
            pids.append(pid)
    return pids


@pytest.fixture
def served_planning(pg: LocalPostgres, tmp_path: Path) -> Iterator[tuple[str, int, int]]:
    """Planning served by ``--workers 2`` on a database of its own: (database, port, pid)."""
    database = f"workers_{secrets.token_hex(4)}"

    async def create_database() -> None:
        admin = await asyncpg.connect(pg.dsn("postgres"))
        try:
            await admin.execute(f'CREATE DATABASE "{database}"')
        finally:
            await admin.close()

    asyncio.run(create_database())
    port = free_port()
    p = "XUNCHA_PLANNING_"
    env = {
        **os.environ,
        f"{p}ENVIRONMENT": "test",
        f"{p}DATABASE_URL": pg.url(database),
        f"{p}BUS_BACKEND": "postgres",
        f"{p}TOPIC_PREFIX": "workers",
        f"{p}AUTH__MODE": "dev",
        f"{p}AUTH__DEV_SECRET": TEST_SECRET,
        f"{p}DB_POOL_SIZE": "3",
        f"{p}RELAY_POLL_SECONDS": "0.2",
        f"{p}LOG_JSON": "false",
    }
    command = [sys.executable, "-m", "xuncha.serve", "planning", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(WORKERS)]
    with (tmp_path / "planning.log").open("ab") as log:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield database, port, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if proc.returncode not in (0, -signal.SIGTERM):
            print((tmp_path / "planning.log").read_text(errors="replace")[-4000:])


async def test_two_workers_share_the_port_and_publish_each_event_once(
    pg: LocalPostgres, served_planning: tuple[str, int, int]
) -> None:
    database, port, pid = served_planning
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        deadline = time.monotonic() + START_TIMEOUT
        while len(worker_pids(pid)) < WORKERS or not await _ready(client):
            assert time.monotonic() < deadline, "the workers did not become ready"
            await asyncio.sleep(0.3)
        assert len(worker_pids(pid)) == WORKERS

        office = mint_dev_token(
            AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET)),
            subject="office-workers",
            roles=[Role.office],
            jurisdiction=J,
            name="巡察办",
        )

        async def create(i: int) -> str:
            body = {"code": f"W{i:04d}", "name": f"工作进程乡{i}", "kind": "township"}
            r = await client.post("/api/planning/orgs", json=body, headers=auth(office))
            assert r.status_code == 201, r.text
            return str(r.json()["id"])

        ids = await asyncio.gather(*(create(i) for i in range(40)))
        assert len(set(ids)) == 40

    conn = await asyncpg.connect(pg.dsn(database))
    try:

        async def all_published() -> bool:
            unpublished = await conn.fetchval(
                "SELECT count(*) FROM planning.outbox WHERE published_at IS NULL"
            )
            return bool(unpublished == 0)

        await eventually(all_published, timeout=60)
        copies = await conn.fetch(
            "SELECT key, count(*) AS n FROM bus.log"
            " WHERE convert_from(value, 'UTF8')::jsonb->>'type' LIKE '%.org.registered.%'"
            " GROUP BY key"
        )
        assert {r["key"]: r["n"] for r in copies} == dict.fromkeys(ids, 1)
    finally:
        await conn.close()


async def _ready(client: httpx.AsyncClient) -> bool:
    try:
        return (await client.get("/api/planning/readyz")).status_code == 200
    except httpx.HTTPError:
        return False

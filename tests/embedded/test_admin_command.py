"""``xuncha admin`` opens the first office administrator of a distributed deployment, run
the way ``docker compose run --rm accounts python -m xuncha.cli admin`` runs it: in its own
process, with nothing but the accounts service's environment. The printed one-time password
signs in at the accounts service, every other service accepts the token it gets, and a
second run opens nobody."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest
import pytest_asyncio
from xuncha_shared.pgserver import LocalPostgres

from tests.platform_server import Served, serve_platform

pytestmark = [pytest.mark.postgres]

J = "410825"
PASSWORD = re.compile(r"one-time password \(shown once\): (\S+)")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Deployment:
    served: Served
    database: str


@pytest_asyncio.fixture(loop_scope="session")
async def deployment(pg: LocalPostgres, template_db: str) -> AsyncIterator[Deployment]:
    database = f"admin{os.getpid()}"
    async with serve_platform(
        pg, template_db, database, settings={"scheduler_enabled": False}
    ) as served:
        yield Deployment(served, database)


def accounts_environment(database_url: str, issuer: str) -> dict[str, str]:
    """The accounts container's environment in docker-compose.yml: production, people's
    tokens verified through the service's own published keys. The bus is Kafka there; the
    command builds it and never starts it (the event it writes waits in the outbox for the
    running service's relay), so no broker needs to answer. It signs in as its own principal
    all the same: production refuses a Kafka bus without a password."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("XUNCHA_")}
    return {
        **inherited,
        "XUNCHA_ACCOUNTS_ENVIRONMENT": "production",
        "XUNCHA_ACCOUNTS_DATABASE_URL": database_url,
        "XUNCHA_ACCOUNTS_BUS_BACKEND": "kafka",
        "XUNCHA_ACCOUNTS_KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9",
        "XUNCHA_ACCOUNTS_KAFKA_PASSWORD": "accounts-" + "k" * 32,
        "XUNCHA_ACCOUNTS_AUTH__MODE": "oidc",
        "XUNCHA_ACCOUNTS_AUTH__ISSUER": issuer,
        "XUNCHA_ACCOUNTS_AUTH__JWKS_URL": f"{issuer}/.well-known/jwks.json",
        "XUNCHA_ACCOUNTS_AUTH__AUDIENCE": "xuncha",
        "XUNCHA_ACCOUNTS_METRICS_TOKEN": "prometheus-" + "m" * 32,
    }


async def admin(env: dict[str, str], *args: str) -> Run:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xuncha.cli",
        "admin",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return Run(proc.returncode, out.decode(), err.decode())


async def test_the_printed_password_signs_in_and_a_second_run_opens_nobody(
    deployment: Deployment, pg: LocalPostgres
) -> None:
    served = deployment.served
    # The command only writes the account; production refuses an http issuer, so the
    # environment names the public https one (nothing fetches from it here).
    env = accounts_environment(pg.url(deployment.database), "https://xuncha.test/api/accounts")

    first = await admin(env, "--jurisdiction", J)
    assert first.code == 0, first.err
    match = PASSWORD.search(first.out)
    assert match, first.out
    password = match.group(1)
    assert "已开通巡察办管理员账号 admin" in first.out
    assert f"初始密码（只显示这一次）：{password}" in first.out

    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
        r = await client.post(
            "/api/accounts/sign-in", json={"account": "admin", "password": password}
        )
        assert r.status_code == 200, r.text
        bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
        me = await client.get("/api/accounts/me", headers=bearer)
        assert me.status_code == 200, me.text
        assert me.json()["roles"] == ["office"] and me.json()["jurisdiction"] == J
        # Another service verifies the accounts service's token through its published keys.
        r = await client.get("/api/planning/orgs", headers=bearer)
        assert r.status_code == 200, r.text

    second = await admin(env, "--jurisdiction", J)
    assert second.code == 0, second.err
    assert "has accounts already" in second.out
    assert not PASSWORD.search(second.out)
    conn = await asyncpg.connect(pg.dsn(deployment.database))
    try:
        assert await conn.fetchval("SELECT count(*) FROM accounts.accounts") == 1
    finally:
        await conn.close()


async def test_it_refuses_before_the_service_has_migrated_its_schema(
    pg: LocalPostgres,
) -> None:
    database = f"admin_empty{os.getpid()}"
    conn = await asyncpg.connect(pg.dsn("postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
    try:
        env = accounts_environment(pg.url(database), "https://xuncha.test/api/accounts")
        run = await admin(env, "--jurisdiction", J)
        assert run.code == 1
        assert "not migrated" in run.err and "password" not in run.out
        refused = await admin(env, "--jurisdiction", "wenxian")
        assert refused.code == 2 and "jurisdiction" in refused.err
    finally:
        conn = await asyncpg.connect(pg.dsn("postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await conn.close()

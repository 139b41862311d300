"""Run the six services as separate processes, as ``docker compose up`` does minus the
containers: one database with a PostgreSQL role per schema (``deploy/postgres/init.sql`` via
``xuncha.dbinit``), ``python -m xuncha.serve <name>`` per service with ``BUS_BACKEND=kafka``,
and people's tokens verified as compose verifies them: against the accounts process's
published keys, for the issuer ``<public URL>/api/accounts`` and the audience ``xuncha``.

Shared by ``tests/distributed`` and ``tests/e2e``. Roles are cluster-wide, so each run's
roles carry a suffix.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig
from xuncha_shared.kafka_access.admin import KafkaAccessAdmin, new_password
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.provisioning import provision_services
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker
from xuncha_shared.testing.plugin import TEST_SECRET

from xuncha.dbinit import apply_init_sql, role_name

__all__ = [
    "AUDIENCE",
    "ISSUER",
    "START_TIMEOUT",
    "Deployment",
    "ServiceProcess",
    "auth",
    "dev_auth",
    "free_port",
    "kill_service",
    "restart_service",
    "run_deployment",
    "service_env",
    "start_service",
    "stop_processes",
    "wait_ready",
]

REPO = Path(__file__).resolve().parents[2]
# Six processes importing, migrating and starting at once on two cores shared with others.
START_TIMEOUT = 150.0
# In compose the tokens' issuer is the address people open (XUNCHA_PUBLIC_URL), while the
# services fetch the keys inside the network; here too the issuer is only a name, and the
# keys come from the accounts process.
PUBLIC_URL = "https://xuncha.test"
ISSUER = f"{PUBLIC_URL}/api/accounts"
AUDIENCE = "xuncha"


def dev_auth() -> AuthConfig:
    """How tests mint tokens these processes accept without an account: the test key's,
    for the deployment's audience (only outside production, where compose never is)."""
    return AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET), audience=AUDIENCE)


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
    env: dict[str, str] = field(default_factory=dict)

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
    name: str,
    *,
    database_url: str,
    bootstrap: str,
    kafka: KafkaCredentials,
    topic_prefix: str,
    jwks_url: str,
) -> dict[str, str]:
    """The environment a service container gets in docker-compose.yml, for this run. Two
    differences, both refused in production: the environment is ``test``, and the test key
    signs tokens too (so a test acts in any role without opening an account for each)."""
    p = f"XUNCHA_{name.upper()}_"
    return {
        f"{p}ENVIRONMENT": "test",
        f"{p}DATABASE_URL": database_url,
        f"{p}BUS_BACKEND": "kafka",
        f"{p}KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        # Each service signs in as its own principal, under the ACLs compose sets up, over
        # TLS, trusting the broker's CA only.
        f"{p}KAFKA_SECURITY_PROTOCOL": kafka.security_protocol,
        **({f"{p}KAFKA_SSL_CAFILE": kafka.ssl_cafile} if kafka.ssl_cafile else {}),
        f"{p}KAFKA_USERNAME": kafka.username,
        f"{p}KAFKA_PASSWORD": kafka.password,
        f"{p}TOPIC_PREFIX": topic_prefix,
        f"{p}AUTH__MODE": "oidc",
        f"{p}AUTH__ISSUER": ISSUER,
        f"{p}AUTH__JWKS_URL": jwks_url,
        f"{p}AUTH__AUDIENCE": AUDIENCE,
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
    """``python -m xuncha.serve <name>``: what each service container runs (the log is
    appended to, so a restarted process keeps the earlier lines)."""
    with log_path.open("ab") as log:
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


def kill_service(dep: Deployment, name: str) -> None:
    """SIGKILL one service process (a crash: no graceful shutdown, nothing flushed)."""
    s = dep.services[name]
    s.proc.send_signal(signal.SIGKILL)
    s.proc.wait(timeout=10)


async def restart_service(dep: Deployment, name: str, timeout: float = START_TIMEOUT) -> None:
    """Start a stopped service again on the same port and environment; wait until ready."""
    s = dep.services[name]
    assert s.proc.poll() is not None, f"{name} is still running"
    s.proc = start_service(name, s.port, s.env, s.log_path)
    await wait_ready(dep, timeout)


@contextlib.asynccontextmanager
async def run_deployment(
    pg: LocalPostgres,
    kafka_broker: KafkaBroker,
    topic_prefix: str,
    tmp_path: Path,
    *,
    prefix: str = "dist",
    extra_env: Mapping[str, Mapping[str, str]] | None = None,
    client_timeout: float = 10.0,
    start_timeout: float = START_TIMEOUT,
) -> AsyncIterator[Deployment]:
    """A fresh database with a role per schema and the six service processes, ready; on
    exit the processes are stopped and the database and roles dropped. ``extra_env`` adds
    settings per service name (``{"notify": {"XUNCHA_NOTIFY_SMTP_HOST": …}}``)."""
    tag = secrets.token_hex(3)
    database, suffix = f"{prefix}_{tag}", f"_{prefix[0]}{tag}"
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
        kafka_admin = KafkaAccessAdmin(
            kafka_broker.bootstrap_servers, kafka_broker.operator_credentials
        )
        kafka_access = await asyncio.to_thread(
            provision_services,
            kafka_admin,
            topic_prefix,
            {name: new_password() for name in SERVICES},
        )
        dep.timings["kafka_access"] = time.monotonic() - started

        started = time.monotonic()
        ports = {name: free_port() for name in SERVICES}
        jwks_url = f"http://127.0.0.1:{ports['accounts']}/api/accounts/.well-known/jwks.json"
        for name in SERVICES:
            port = ports[name]
            log_path = tmp_path / f"{name}.log"
            env = {
                **base_env,
                **service_env(
                    name,
                    database_url=pg.url(database, user=roles[name]),
                    bootstrap=kafka_broker.bootstrap_servers,
                    kafka=kafka_access[name],
                    topic_prefix=topic_prefix,
                    jwks_url=jwks_url,
                ),
                **((extra_env or {}).get(name, {})),
            }
            proc = start_service(name, port, env, log_path)
            dep.services[name] = ServiceProcess(name, roles[name], port, log_path, proc, env)
        await wait_ready(dep, start_timeout)
        dep.timings["all_ready"] = time.monotonic() - started
        for name, s in dep.services.items():
            dep.clients[name] = httpx.AsyncClient(base_url=s.base_url, timeout=client_timeout)
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

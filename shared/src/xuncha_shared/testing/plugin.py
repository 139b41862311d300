"""pytest plugin: a real PostgreSQL, a real Kafka broker, a real OpenID Connect provider
(Keycloak), per-test databases, app clients.

One PostgreSQL server, one Kafka broker and one Keycloak per run, each started by the first
test that asks for it. Every service's migrations run once into a template database; each
test gets its own copy (``CREATE DATABASE … TEMPLATE``), so tests that commit, relay and
consume stay isolated. Kafka tests get their own topic prefix
and consumer groups. With ``CI=true`` a PostgreSQL, Kafka or Keycloak that cannot start
(Keycloak not installed included) fails the test instead of skipping it.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import itertools
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import FastAPI
from pydantic import SecretStr

from xuncha_shared.auth import AuthConfig, Role, mint_dev_token
from xuncha_shared.bus.base import Bus
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import PostgresBus, asyncpg_dsn
from xuncha_shared.clock import MovableClock
from xuncha_shared.db import create_engine
from xuncha_shared.events.base import CloudEvent
from xuncha_shared.kafka_access.admin import KafkaAccessAdmin, new_password
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.policy import service_acl_rules
from xuncha_shared.kafka_access.provisioning import provision_services
from xuncha_shared.migrations import upgrade
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES, ServiceSettings
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker
from xuncha_shared.testing.kafka_broker.jars import find_repo_root
from xuncha_shared.testing.keycloak import (
    KeycloakError,
    KeycloakRealm,
    KeycloakServer,
    default_home,
    is_installed,
)

TEST_SECRET = "xuncha-test-signing-key-0123456789abcdef"
TEMPLATE_DB = "xuncha_template"
_counter = itertools.count()
_passed: set[str] = set()
_uses: dict[str, set[str]] = {"postgres": set(), "kafka": set(), "keycloak": set()}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(what: str, exc: BaseException) -> None:
    """Fail in CI, skip elsewhere: CI must never pass without the real parts."""
    message = f"{what} unavailable: {type(exc).__name__}: {exc}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def service_module(name: str) -> ModuleType:
    """A service's ``app`` module (``create_app``, ``MIGRATIONS``, ``spec``)."""
    return importlib.import_module(f"{name}.app")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kafka: needs the real Kafka broker")
    config.addinivalue_line("markers", "postgres: needs the real PostgreSQL server")
    config.addinivalue_line("markers", "keycloak: needs the real OpenID Connect provider")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        _passed.add(report.nodeid)


@pytest.fixture(autouse=True)
def _count_real_parts(request: pytest.FixtureRequest) -> Iterator[None]:
    # Checked after the test, so fixtures requested dynamically count too.
    yield
    names = set(request.fixturenames)
    if names & {"pg", "template_db", "database_url"}:
        _uses["postgres"].add(request.node.nodeid)
    if "kafka_broker" in names:
        _uses["kafka"].add(request.node.nodeid)
    if "keycloak" in names:
        _uses["keycloak"].add(request.node.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(
        f"real PostgreSQL tests passed: {len(_uses['postgres'] & _passed)}; "
        f"real Kafka tests passed: {len(_uses['kafka'] & _passed)}; "
        f"real Keycloak tests passed: {len(_uses['keycloak'] & _passed)}"
    )


@pytest.fixture(scope="session")
def pg() -> Iterator[LocalPostgres]:
    """The run's PostgreSQL server."""
    server = LocalPostgres(Path(tempfile.mkdtemp(prefix="xuncha-pg-")) / "data", cleanup="delete")
    try:
        server.start()
        server.tune_for_tests()
    except Exception as exc:
        unavailable("PostgreSQL", exc)
    yield server


async def migrate_all(url: str) -> None:
    """Run every service's migrations into the database at ``url``."""
    for name in SERVICES:
        module = service_module(name)
        engine = create_engine(url, pool_size=1)
        try:
            await upgrade(engine, module.MIGRATIONS, name)
        finally:
            await engine.dispose()
    bus = PostgresBus(url)
    await bus.start()
    await bus.stop()


@pytest.fixture(scope="session")
async def template_db(pg: LocalPostgres) -> str:
    """A database with every schema migrated, copied for each test."""
    conn = await asyncpg.connect(pg.dsn("postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"')
        await conn.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
    finally:
        await conn.close()
    await migrate_all(pg.url(TEMPLATE_DB))
    return TEMPLATE_DB


@pytest.fixture
async def database_url(pg: LocalPostgres, template_db: str) -> AsyncIterator[str]:
    """A fresh, migrated database of this test's own."""
    name = f"t{os.getpid()}_{next(_counter)}"
    conn = await asyncpg.connect(pg.dsn("postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    finally:
        await conn.close()
    yield pg.url(name)
    conn = await asyncpg.connect(pg.dsn("postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection to the test's database, for assertions."""
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    yield conn
    await conn.close()


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[KafkaBroker]:
    """The run's Kafka broker (KRaft, single node, jars from Maven Central)."""
    broker = KafkaBroker(Path(tempfile.mkdtemp(prefix="xuncha-kafka-")))
    try:
        broker.start()
    except Exception as exc:
        unavailable("Kafka", exc)
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def keycloak() -> Iterator[KeycloakRealm]:
    """The run's OpenID Connect provider: Keycloak with the ``henan`` realm imported.

    Its ``issuer``, ``jwks_url`` and ``auth_config()`` point services at it;
    ``await keycloak.password_grant("ma.town")`` signs a user of the realm in. Installed by
    ``make keycloak`` (part of ``make install-test``); the server's output goes to
    ``test-artifacts/keycloak.log``.
    """
    home = default_home()
    if not is_installed(home):
        unavailable("Keycloak", KeycloakError(f"not installed in {home}: run `make keycloak`"))
    workdir = Path(tempfile.mkdtemp(prefix="xuncha-keycloak-"))
    server = KeycloakServer(
        workdir, home=home, log_file=find_repo_root() / "test-artifacts" / "keycloak.log"
    )
    try:
        server.start()
    except Exception as exc:
        unavailable("Keycloak", exc)
    yield server.realm
    server.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
async def topic_prefix(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """Topics of this test only, deleted from the broker after the test.

    The run shares one broker: without the deletion it would carry thousands of partitions by
    the end, and every restart of it (the outage tests) would pay for all of them.
    """
    prefix = f"t{secrets.token_hex(4)}.xuncha"
    yield prefix
    if "kafka_broker" in request.fixturenames:
        broker: KafkaBroker = request.getfixturevalue("kafka_broker")
        if broker.is_running:
            await delete_topics(broker, prefix)


async def delete_topics(broker: KafkaBroker, prefix: str) -> None:
    """Delete every topic of ``prefix`` (a test's or a module's deployment) from the broker."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=broker.bootstrap_servers,
        request_timeout_ms=10_000,
        **broker.operator_credentials.aiokafka_options(),
    )
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if t.startswith(f"{prefix}.")]
        if names:
            await admin.delete_topics(names)
    finally:
        await admin.close()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def auth_config() -> AuthConfig:
    return AuthConfig(mode="dev", dev_secret=SecretStr(TEST_SECRET))


@pytest.fixture
def token(auth_config: AuthConfig) -> Callable[..., str]:
    """``token(Role.office, jurisdiction="410825", org_id=None)`` → a bearer token."""

    def make(
        *roles: Role | str,
        jurisdiction: str = "410825",
        org_id: str | None = None,
        subject: str | None = None,
        name: str = "测试用户",
        ttl: timedelta = timedelta(hours=12),
    ) -> str:
        return mint_dev_token(
            auth_config,
            subject=subject or f"user-{'-'.join(map(str, roles))}-{jurisdiction}",
            roles=roles,
            jurisdiction=jurisdiction,
            org_id=org_id,
            name=name,
            ttl=ttl,
        )

    return make


def settings_for(
    name: str, *, database_url: str, topic_prefix: str, auth: AuthConfig, **overrides: Any
) -> ServiceSettings:
    """A service's settings for a test, from code (the environment is not read)."""
    module = importlib.import_module(f"{name}.config")
    cls: type[ServiceSettings] = next(
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, ServiceSettings) and v is not ServiceSettings
    )
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "topic_prefix": topic_prefix,
        "auth": auth,
        "db_pool_size": 3,
        "relay_poll_seconds": 0.2,
        "consumer_backoff_seconds": 0.05,
        "consumer_backoff_max_seconds": 0.5,
        "consumer_max_attempts": 3,
        "log_json": False,
    }
    values.update(overrides)
    return cls.model_validate(values)


@dataclass
class Platform:
    """Services running in this test, each with an HTTP client."""

    apps: dict[str, FastAPI] = field(default_factory=dict)
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    stack: AsyncExitStack = field(default_factory=AsyncExitStack)

    def client(self, name: str) -> httpx.AsyncClient:
        return self.clients[name]


@asynccontextmanager
async def run_app(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run an app's lifespan and give a client that speaks to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def platform(
    database_url: str, topic_prefix: str, auth_config: AuthConfig, clock: MovableClock
) -> AsyncIterator[Callable[..., Any]]:
    """``await platform("planning", "findings", bus=...)`` starts those services in-process
    on the test's database (PostgreSQL bus unless a bus is given)."""
    running = Platform()

    async def start(*names: str, bus: Bus | None = None, **overrides: Any) -> Platform:
        shared_bus = bus or PostgresBus(database_url)
        if bus is None:
            await shared_bus.start()
            running.stack.push_async_callback(shared_bus.stop)
        for name in names:
            settings = settings_for(
                name,
                database_url=database_url,
                topic_prefix=topic_prefix,
                auth=auth_config,
                **overrides,
            )
            app = service_module(name).create_app(settings, clock=clock, bus=shared_bus)
            running.apps[name] = app
            running.clients[name] = await running.stack.enter_async_context(run_app(app))
        return running

    yield start
    await running.stack.aclose()


@pytest.fixture
async def kafka_service_access(
    kafka_broker: KafkaBroker, topic_prefix: str
) -> AsyncIterator[dict[str, KafkaCredentials]]:
    """The deployment's Kafka access under this test's topic prefix: its topics, one
    principal per service (password random for the run) and each service's ACLs, as
    ``python -m xuncha.kafka services`` sets them up. Gives each service's credentials;
    the ACLs go again after the test."""
    admin = KafkaAccessAdmin(kafka_broker.bootstrap_servers, kafka_broker.operator_credentials)
    credentials = await asyncio.to_thread(
        provision_services, admin, topic_prefix, _service_passwords()
    )
    yield credentials
    if kafka_broker.is_running:
        for service, creds in credentials.items():
            rules = service_acl_rules(topic_prefix, service)
            await asyncio.to_thread(admin.revoke, creds.principal, rules)


@functools.cache
def _service_passwords() -> dict[str, str]:
    return {service: new_password() for service in SERVICES}


@pytest.fixture
async def kafka_bus(kafka_broker: KafkaBroker) -> AsyncIterator[KafkaBus]:
    """A bus on the run's broker, signed in (SASL/SCRAM) as the operator's principal."""
    bus = KafkaBus(
        kafka_broker.bootstrap_servers,
        request_timeout_ms=5_000,
        credentials=kafka_broker.operator_credentials,
    )
    await bus.start()
    yield bus
    await bus.stop()


async def eventually(
    check: Callable[[], Any], *, timeout: float = 20.0, interval: float = 0.1
) -> Any:
    """Poll an async or sync check until it returns a truthy value."""
    deadline = asyncio.get_running_loop().time() + timeout
    last: Any = None
    while True:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")
        await asyncio.sleep(interval)


async def read_topic(
    bus: Bus, topic: str, *, until: Callable[[list[CloudEvent]], bool], timeout: float = 30.0
) -> list[CloudEvent]:
    """Consume ``topic`` from the start as a fresh consumer group (as a partner agency
    would) until ``until(events)`` holds; returns the CloudEvents read. Asserting on what
    is consumed, not only on the outbox, proves the events really leave the service."""
    subscription = bus.subscribe(group=f"reader-{secrets.token_hex(4)}", topics=[topic])
    await bus.ensure_topics([topic])
    await subscription.start()
    events: list[CloudEvent] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not until(events):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"{topic}: condition not met within {timeout}s; read {[e.type for e in events]}"
                )
            deliveries = await subscription.fetch(max_records=500, timeout=0.5)
            events += [CloudEvent.from_json_bytes(d.message.value) for d in deliveries]
            # The log bus reads from the committed position on every fetch.
            await subscription.commit(deliveries)
    finally:
        await subscription.stop()
    return events

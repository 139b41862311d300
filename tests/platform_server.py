"""The one-process platform (every service, as ``xuncha run`` serves them) on a real
loopback port over a database of its own, for tests that drive it from outside: the browser
tests and the OpenAPI fuzzer."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES
from xuncha_shared.testing.plugin import TEST_SECRET, settings_for
from xuncha_shared.testing.serving import loopback_socket, serving, socket_url
from xuncha_shared.trusted_proxies import forwarded_header_options
from xuncha_shared.workdays import SHANGHAI

from xuncha.demo import SMALL, load_demo
from xuncha.demo.runner import dev_token_for
from xuncha.embedded import build_dispatcher, platform_auth


@dataclass(frozen=True)
class Served:
    """Where the platform answers and how it verifies tokens: the accounts service's keys,
    and the test key its dev tokens are signed with."""

    base_url: str
    auth: AuthConfig
    database_url: str


@contextlib.asynccontextmanager
async def serve_platform(
    pg: LocalPostgres,
    template_db: str,
    name: str,
    *,
    dashboard: Path | None = None,
    settings: dict[str, Any] | None = None,
    **create_kwargs: Any,
) -> AsyncIterator[Served]:
    """Serve the platform over a copy of the migrated template database ``name`` (dropped
    afterwards). ``settings`` override every service's settings; ``create_kwargs`` go to
    every service's ``create_app`` (e.g. a movable ``clock``)."""
    conn = await asyncpg.connect(pg.dsn("postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    finally:
        await conn.close()
    database_url = pg.url(name)
    sock = loopback_socket()
    url = socket_url(sock)
    auth = platform_auth(url, SecretStr(TEST_SECRET))
    bus = PostgresBus(database_url)
    await bus.start()
    service_settings = {
        service: settings_for(
            service,
            database_url=database_url,
            topic_prefix=f"{name}.xuncha",
            auth=auth,
            **(settings or {}),
        )
        for service in SERVICES
    }
    dispatcher = build_dispatcher(
        service_settings, bus=bus, auth=auth, dashboard=dashboard, dev_login=True, **create_kwargs
    )
    try:
        # A browser tab a failed test left open keeps its live inbox stream: shutdown closes
        # it after a few seconds rather than waiting for the tab.
        # No proxy in front, as in ``xuncha run``: no forwarded header is believed (uvicorn
        # would otherwise believe one from loopback, where every test client is).
        async with serving(
            dispatcher,
            sock,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
            **forwarded_header_options([]),
        ):
            yield Served(base_url=url, auth=auth, database_url=database_url)
    finally:
        await bus.stop()
        conn = await asyncpg.connect(pg.dsn("postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def load_small_demo(base_url: str, auth: AuthConfig, jurisdiction: str) -> date:
    """Fill the served platform with the small demo county through its REST APIs, as
    ``xuncha demo`` does; returns the Beijing day it was loaded for."""
    today = datetime.now(SHANGHAI).date()
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        await load_demo(
            client,
            token_for=dev_token_for(auth, jurisdiction),
            size=SMALL,
            jurisdiction=jurisdiction,
            today=today,
        )
    return today

"""The one-process platform (every service, as ``xuncha run`` serves them) on a real
loopback port over a database of its own, for tests that drive it from outside: the browser
tests and the OpenAPI fuzzer."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvicorn
from pydantic import SecretStr
from xuncha_shared.auth import AuthConfig
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.settings import SERVICES
from xuncha_shared.testing.plugin import TEST_SECRET, settings_for
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


def _free_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


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
    sock = _free_socket()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    auth = platform_auth(base_url, SecretStr(TEST_SECRET))
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
    server = uvicorn.Server(
        # A browser tab a failed test left open keeps its live inbox stream: shutdown closes
        # it after a few seconds rather than waiting for the tab.
        uvicorn.Config(
            dispatcher,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(60):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
        yield Served(base_url=base_url, auth=auth, database_url=database_url)
    finally:
        server.should_exit = True
        await task
        sock.close()
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

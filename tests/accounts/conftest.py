"""Each accounts test module runs on its own one-process platform over a real port, so the
other services fetch the accounts service's keys over HTTP as they do in production."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from xuncha_shared.pgserver import LocalPostgres

from tests.platform_server import Served, serve_platform


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def served(
    request: pytest.FixtureRequest, pg: LocalPostgres, template_db: str
) -> AsyncIterator[Served]:
    name = f"{request.module.__name__.rsplit('.', 1)[-1]}{os.getpid()}"
    async with serve_platform(
        pg, template_db, name, settings={"scheduler_enabled": False}
    ) as served:
        yield served


@pytest_asyncio.fixture(loop_scope="session")
async def client(served: Served) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
        yield client

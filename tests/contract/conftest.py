"""The ``rig`` fixture: each bus contract test runs once on the PostgreSQL log and once on
Kafka (see ``bus_rig``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from xuncha_shared.pgserver import LocalPostgres

from tests.contract.bus_rig import Rig, open_rig


@pytest.fixture(params=["postgres", "kafka"])
async def rig(
    request: pytest.FixtureRequest, database_url: str, pg: LocalPostgres, topic_prefix: str
) -> AsyncIterator[Rig]:
    async for r in open_rig(request, database_url, pg, topic_prefix):
        yield r

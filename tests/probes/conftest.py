"""One deployment per target for the whole module: the embedded platform and the Kafka
deployment, each with the probes' records made through its APIs.

The helpers live in modules beside the tests; their asserts are registered for pytest's
rewriting here, before the tests import them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from xuncha_shared.pgserver import LocalPostgres

pytest.register_assert_rewrite("tests.probes.targets", "tests.probes.world")

from tests.probes.targets import Target, embedded_target, kafka_target  # noqa: E402
from tests.probes.world import World, build_world  # noqa: E402


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=["embedded", "kafka"])
async def target(
    request: pytest.FixtureRequest,
    pg: LocalPostgres,
    template_db: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Target]:
    if request.param == "embedded":
        async with embedded_target(pg, template_db) as embedded:
            yield embedded
        return
    # The broker is started only when the Kafka target is (a run of the embedded target
    # alone, ``-k embedded``, needs none).
    broker = request.getfixturevalue("kafka_broker")
    async with kafka_target(pg, broker, tmp_path_factory.mktemp("probes-kafka")) as kafka:
        yield kafka


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(target: Target) -> World:
    try:
        return await build_world(target)
    except BaseException:
        print(target.logs()[-20000:])
        raise

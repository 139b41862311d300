"""A whole inspection round end to end: the six services as separate processes on real
PostgreSQL (a role per schema) and one real Kafka broker, driven only through their public
REST APIs over real HTTP, as the dashboard and the departments' systems would.

The county is shaped like 温县 (11 townships, 79 departments, 270 villages and communities);
one round inspects a township with two of its villages and two departments. Every step that
crosses an event is awaited with ``eventually``; the outcomes are asserted exactly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker

from tests.distributed.processes import Deployment, kill_service, restart_service
from tests.e2e.driver import Chaos, inspection_round
from tests.e2e.scenario import START_TIMEOUT

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.timeout(600),
]


async def test_an_inspection_round_end_to_end(
    pg: LocalPostgres,
    kafka_broker: KafkaBroker,
    topic_prefix: str,
    tmp_path: Path,
    token: Callable[..., str],
) -> None:
    await inspection_round(pg, kafka_broker, topic_prefix, tmp_path, token)


async def test_the_same_round_with_crashes_loses_and_doubles_nothing(
    pg: LocalPostgres, topic_prefix: str, tmp_path: Path, token: Callable[..., str]
) -> None:
    """SIGKILL rectification while the groups hand problems over (restarted after); SIGKILL
    the Kafka broker and notify right after feedback (the clues are handled while they are
    down, then the broker comes back on the same port and data, and notify restarts);
    SIGKILL planning after rectification (restarted before the figures are read). The
    outcomes, figures, inboxes, webhooks and mails are the same exact ones as without the
    crashes (webhooks and mails counted once per delivery id, as receivers dedupe)."""
    broker = KafkaBroker(tmp_path / "kafka")  # its own broker: the session's stays up
    await asyncio.to_thread(broker.start)

    def chaos(dep: Deployment) -> Chaos:
        async def at(point: str) -> None:
            if point == "before_on_site":
                await asyncio.to_thread(kill_service, dep, "rectification")
            elif point == "after_on_site":
                await restart_service(dep, "rectification", START_TIMEOUT)
            elif point == "after_feedback":
                await asyncio.to_thread(broker.kill)
                await asyncio.to_thread(kill_service, dep, "notify")
            elif point == "after_clues":
                await asyncio.to_thread(broker.start)
                await restart_service(dep, "notify", START_TIMEOUT)
            elif point == "after_rectification":
                await asyncio.to_thread(kill_service, dep, "planning")
                await restart_service(dep, "planning", START_TIMEOUT)

        return at

    try:
        await inspection_round(pg, broker, topic_prefix, tmp_path, token, chaos)
    finally:
        await asyncio.to_thread(broker.stop)

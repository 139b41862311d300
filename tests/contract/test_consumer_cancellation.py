"""A consumer stops when cancelled, even in the middle of a handler.

Shutdown (and every test) stops a consumer by cancelling its task. A cancellation that lands
while a handler runs must end the task: not be taken for a handler failure, retried, or
dead-lettered, with the consumer reading on as if nothing had happened.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from xuncha_shared.bus.postgres import PostgresBus, asyncpg_dsn
from xuncha_shared.clock import SystemClock
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.messaging import OUTBOX_INFO_KEY, OutboxContext, emit
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.settings import topic_for
from xuncha_shared.testing import contract_worker as cw
from xuncha_shared.testing.plugin import eventually

pytestmark = pytest.mark.timeout(120)


async def _handler_is_running(conn: asyncpg.Connection) -> bool:
    """The slow handler has written its effect and sleeps inside its open transaction."""
    return bool(
        await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND state = 'idle in transaction' AND query ILIKE 'INSERT INTO contract.effects%'"
        )
    )


async def test_consumer_cancelled_mid_handler_stops_without_retry_or_dead_letter(
    database_url: str,
) -> None:
    engine = create_engine(database_url, pool_size=3)
    await cw.create_schema(engine)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    bus = PostgresBus(database_url)
    await bus.start()
    topic = topic_for(f"t{uuid.uuid4().hex[:8]}.xuncha", "planning")
    try:
        maker = create_sessionmaker(
            engine,
            **{OUTBOX_INFO_KEY: OutboxContext(tables=cw.TABLES, topic=topic, clock=SystemClock())},
        )
        async with maker() as session, session.begin():
            await emit(session, cw.snapshot(uuid.uuid4(), 1))
        relay = OutboxRelay(
            engine=engine, tables=cw.TABLES, bus=bus, clock=SystemClock(), poll_seconds=0.2
        )
        assert await relay.drain() == 1
        consumer = cw.build_consumer(
            engine=engine,
            bus=bus,
            topic=topic,
            group="contract",
            dlq_topic=f"{topic}.dlq",
            delay=60,
        )
        task = asyncio.create_task(consumer.run())
        try:
            await eventually(lambda: _handler_is_running(conn), timeout=60)
        finally:
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=20)
        assert done, "the consumer went on after being cancelled mid-handler"
        assert task.cancelled()
        # The handler's transaction was rolled back; nothing counted as handled or dead.
        assert await conn.fetchval("SELECT count(*) FROM contract.effects") == 0
        assert await conn.fetchval("SELECT count(*) FROM contract.inbox") == 0
        registry = consumer.metrics.registry if consumer.metrics else None
        assert registry is not None
        assert not registry.get_sample_value(
            "xuncha_events_consumed_total", {"outcome": "dead_lettered"}
        )
    finally:
        await bus.stop()
        await conn.close()
        await engine.dispose()

"""The bus contract's rig: one backend (Kafka or the PostgreSQL log) wired for a test, with
the contract outbox's relay and a factory of contract consumers, and the helpers that run a
consumer until its effects are in."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from xuncha_shared.bus.base import Bus
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import PostgresBus, asyncpg_dsn
from xuncha_shared.clock import SystemClock
from xuncha_shared.consumer import EventConsumer
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.messaging import OUTBOX_INFO_KEY, OutboxContext, emit
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.settings import topic_for
from xuncha_shared.testing import contract_worker as cw
from xuncha_shared.testing.plugin import eventually


@dataclass
class Rig:
    """One backend wired for a test: bus, relay over the contract outbox, consumer factory."""

    backend: str
    bus: Bus
    database_url: str
    bus_database_url: str
    bootstrap: str
    kafka_username: str
    kafka_password: str
    kafka_ssl_cafile: str
    topic: str
    group: str
    dlq_topic: str
    relay: OutboxRelay
    engine: Any
    conn: asyncpg.Connection
    outage: Callable[[], Any]
    recover: Callable[[], Any]

    def consumer(self, **kw: Any) -> EventConsumer:
        return cw.build_consumer(
            engine=self.engine,
            bus=self.bus,
            topic=self.topic,
            group=self.group,
            dlq_topic=self.dlq_topic,
            **kw,
        )

    async def emit_versions(self, orgs: list[uuid.UUID], versions: int) -> None:
        """Commit events v1..vN for each org, interleaved across orgs, through the outbox."""
        maker = create_sessionmaker(
            self.engine,
            **{
                OUTBOX_INFO_KEY: OutboxContext(
                    tables=cw.TABLES, topic=self.topic, clock=SystemClock()
                )
            },
        )
        async with maker() as session, session.begin():
            for v in range(1, versions + 1):
                for org in orgs:
                    await emit(session, cw.snapshot(org, v))

    async def effects(self) -> list[asyncpg.Record]:
        return list(
            await self.conn.fetch(
                "SELECT event_id, org_id, version FROM contract.effects ORDER BY n"
            )
        )


async def consume_until(consumer: EventConsumer, rig: Rig, count: int, timeout: float = 60) -> None:
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: count_effects(rig, count), timeout=timeout)
    finally:
        await stop_consumer(task)


async def stop_consumer(task: asyncio.Task[None]) -> None:
    """Cancel a consumer's task and fail at once if it does not end: a consumer that swallowed
    its cancellation would read on and hold the test until its timeout."""
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=30)
    if not done:
        task.cancel()  # once more, to free the test's connections before failing
        await asyncio.wait([task], timeout=10)
        raise AssertionError("the consumer did not stop when cancelled")
    await asyncio.gather(task, return_exceptions=True)


async def count_effects(rig: Rig, count: int) -> bool:
    return int(await rig.conn.fetchval("SELECT count(*) FROM contract.effects")) >= count


async def open_rig(
    request: pytest.FixtureRequest, database_url: str, pg: LocalPostgres, topic_prefix: str
) -> AsyncIterator[Rig]:
    backend = request.param
    engine = create_engine(database_url, pool_size=3)
    await cw.create_schema(engine)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    bootstrap = kafka_username = kafka_password = kafka_ssl_cafile = ""
    if backend == "kafka":
        broker = request.getfixturevalue("kafka_broker")
        bootstrap = broker.bootstrap_servers
        kafka_username = broker.operator_credentials.username
        kafka_password = broker.operator_credentials.password
        kafka_ssl_cafile = str(broker.ca_file)
        bus: Bus = KafkaBus(
            bootstrap,
            request_timeout_ms=4000,
            partitions=3,
            credentials=broker.operator_credentials,
        )

        async def outage() -> None:
            await asyncio.to_thread(broker.stop)

        async def recover() -> None:
            await asyncio.to_thread(broker.start)

        bus_url = database_url
    else:
        # The log lives in a database of its own so that the bus can fail while the
        # service's database stays up, as a broker would.
        bus_db = f"bus_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(pg.dsn("postgres"))
        await admin.execute(f'CREATE DATABASE "{bus_db}"')
        bus_url = pg.url(bus_db)
        bus = PostgresBus(bus_url)

        async def outage() -> None:
            await admin.execute(f'ALTER DATABASE "{bus_db}" ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", bus_db
            )

        async def recover() -> None:
            await admin.execute(f'ALTER DATABASE "{bus_db}" ALLOW_CONNECTIONS true')

    await bus.start()
    # The contract outbox emits planning's org events, so they travel on planning's topic:
    # consumers accept an event type only from its producer's topic.
    topic = topic_for(topic_prefix, "planning")
    relay = OutboxRelay(
        engine=engine,
        tables=cw.TABLES,
        bus=bus,
        clock=SystemClock(),
        batch_size=25,
        poll_seconds=0.2,
    )
    r = Rig(
        backend=backend,
        bus=bus,
        database_url=database_url,
        bus_database_url=bus_url,
        bootstrap=bootstrap,
        kafka_username=kafka_username,
        kafka_password=kafka_password,
        kafka_ssl_cafile=kafka_ssl_cafile,
        topic=topic,
        group=f"{topic_prefix}.contract",
        dlq_topic=f"{topic_prefix}.dlq.contract",
        relay=relay,
        engine=engine,
        conn=conn,
        outage=outage,
        recover=recover,
    )
    await bus.ensure_topics([topic, r.dlq_topic])
    yield r
    await bus.stop()
    await conn.close()
    await engine.dispose()
    if backend == "postgres":
        await admin.execute(f'DROP DATABASE IF EXISTS "{bus_db}" WITH (FORCE)')
        await admin.close()


async def start_contract_worker(rig: Rig, *options: str) -> asyncio.subprocess.Process:
    """The contract consumer in a process of its own (a session of its own, so a test can
    SIGKILL its whole group), reading the rig's topic."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xuncha_shared.testing.contract_worker",
        *("--backend", rig.backend, "--database-url", rig.database_url),
        *("--bus-database-url", rig.bus_database_url, "--bootstrap", rig.bootstrap),
        *("--topic", rig.topic, "--group", rig.group, "--dlq-topic", rig.dlq_topic),
        *("--kafka-username", rig.kafka_username, "--kafka-ssl-cafile", rig.kafka_ssl_cafile),
        *options,
        env={**os.environ, cw.KAFKA_PASSWORD_ENV: rig.kafka_password},
        start_new_session=True,
    )


async def end_worker(worker: asyncio.subprocess.Process) -> None:
    if worker.returncode is None:
        worker.kill()
    await worker.wait()


async def kill_worker_after_first_effect(rig: Rig, *options: str) -> int:
    """Start the contract worker with ``options``, SIGKILL its process group as soon as its
    first effect is committed; how many effects were committed by then."""
    worker = await start_contract_worker(rig, *options)
    try:
        await eventually(lambda: count_effects(rig, 1), timeout=90, interval=0.02)
        os.killpg(worker.pid, signal.SIGKILL)
    finally:
        await end_worker(worker)
    return len(await rig.effects())


def consumed(consumer: EventConsumer, outcome: str) -> float:
    assert consumer.metrics is not None
    value = consumer.metrics.registry.get_sample_value(
        "xuncha_events_consumed_total", {"outcome": outcome}
    )
    return value or 0.0


def dead_lettered(consumer: EventConsumer, n: int) -> bool:
    return consumed(consumer, "dead_lettered") >= n

"""The bus contract: the same suite on the Kafka backend and on the PostgreSQL-log backend.

Proves order per key, one effect per redelivered event, no loss while the bus is down,
no loss and no double effect when a consumer process is killed mid-batch, and poison
events going to the dead-letter topic after N tries and coming back by replay.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from xuncha_shared.bus.base import Bus, BusMessage, BusUnavailable
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import PostgresBus, asyncpg_dsn
from xuncha_shared.clock import SystemClock
from xuncha_shared.consumer import DeadLetter, EventConsumer, replay_dead_letters
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.events.base import envelope
from xuncha_shared.events.planning import GroupMembershipChanged, GroupRole
from xuncha_shared.messaging import OUTBOX_INFO_KEY, OutboxContext, emit
from xuncha_shared.pgserver import LocalPostgres
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.settings import topic_for
from xuncha_shared.testing import contract_worker as cw
from xuncha_shared.testing.plugin import eventually

pytestmark = pytest.mark.timeout(240)


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


async def _consume_until(
    consumer: EventConsumer, rig: Rig, count: int, timeout: float = 60
) -> None:
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: _count(rig, count), timeout=timeout)
    finally:
        await _stop(task)


async def _stop(task: asyncio.Task[None]) -> None:
    """Cancel a consumer's task and fail at once if it does not end: a consumer that swallowed
    its cancellation would read on and hold the test until its timeout."""
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=30)
    if not done:
        task.cancel()  # once more, to free the test's connections before failing
        await asyncio.wait([task], timeout=10)
        raise AssertionError("the consumer did not stop when cancelled")
    await asyncio.gather(task, return_exceptions=True)


async def _count(rig: Rig, count: int) -> bool:
    return int(await rig.conn.fetchval("SELECT count(*) FROM contract.effects")) >= count


@pytest.fixture(params=["postgres", "kafka"])
async def rig(
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


async def test_order_per_key(rig: Rig) -> None:
    orgs = [uuid.uuid4() for _ in range(4)]
    await rig.emit_versions(orgs, 15)
    assert await rig.relay.drain() == 60
    await _consume_until(rig.consumer(batch_size=7), rig, 60)
    effects = await rig.effects()
    assert len(effects) == 60
    for org in orgs:
        assert [e["version"] for e in effects if e["org_id"] == org] == list(range(1, 16))


async def test_relay_sends_each_envelope_as_stored_in_seq_order_across_batches(
    rig: Rig,
) -> None:
    # 60 events in batches of 25: three batches in one transaction, each sent while the one
    # before it is still being acknowledged.
    orgs = [uuid.uuid4() for _ in range(4)]
    await rig.emit_versions(orgs, 15)
    stored = await rig.conn.fetch(
        f"SELECT key, envelope::text AS text FROM {cw.TABLES.outbox.fullname} ORDER BY seq"
    )
    assert await rig.relay.drain() == 60
    assert await rig.relay.pending() == 0
    sub = rig.bus.subscribe(group=f"{rig.group}.inspect", topics=[rig.topic])
    await sub.start()
    got: list[Any] = []
    try:
        for _ in range(60):
            got += await sub.fetch(max_records=100, timeout=0.5)
            if len(got) >= 60:
                break
    finally:
        await sub.stop()
    assert len(got) == 60
    for key in {r["key"] for r in stored}:
        sent = [d.message.value for d in got if d.message.key == key]
        assert sent == [r["text"].encode() for r in stored if r["key"] == key]


async def test_redelivered_event_has_one_effect(rig: Rig) -> None:
    org = uuid.uuid4()
    await rig.emit_versions([org], 1)
    envelope = await rig.conn.fetchval("SELECT envelope::text FROM contract.outbox")
    message = BusMessage(topic=rig.topic, key=str(org), value=envelope.encode())
    # The same event three times on the bus (a producer retry, a relay crash before marking).
    await rig.bus.publish([message, message])
    await rig.bus.publish([message])
    consumer = rig.consumer()
    await _consume_until(consumer, rig, 1)
    await asyncio.sleep(1.0)  # give the duplicates every chance to apply
    assert len(await rig.effects()) == 1
    assert await rig.conn.fetchval("SELECT count(*) FROM contract.inbox") == 1
    assert await consumer.apply(envelope.encode()) is False


async def test_relay_keeps_events_while_bus_is_down(rig: Rig) -> None:
    orgs = [uuid.uuid4() for _ in range(3)]
    await rig.emit_versions(orgs[:1], 2)
    assert await rig.relay.drain() == 2
    await rig.outage()
    try:
        # Work goes on while the bus is down: events are committed to the outbox…
        await rig.emit_versions(orgs[1:], 5)
        with pytest.raises(BusUnavailable):
            await rig.relay.publish_batch()
        assert await rig.relay.pending() == 10
        # Each refused row counts the attempt, though the batch's own transaction rolled back.
        attempts = await rig.conn.fetch(
            f"SELECT attempts FROM {cw.TABLES.outbox.fullname} WHERE published_at IS NULL"
        )
        assert [a["attempts"] for a in attempts] == [1] * 10
        relay_task = asyncio.create_task(rig.relay.run())
        await asyncio.sleep(2)
        assert await rig.relay.pending() == 10
    finally:
        await rig.recover()
    # …and once the bus returns the running relay delivers every one of them.
    try:
        await eventually(lambda: _zero(rig.relay), timeout=90)
    finally:
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
    await _consume_until(rig.consumer(), rig, 12, timeout=90)
    effects = await rig.effects()
    assert len(effects) == 12 and len({e["event_id"] for e in effects}) == 12


async def _zero(relay: OutboxRelay) -> bool:
    return await relay.pending() == 0


async def test_consumer_killed_mid_batch_loses_nothing_and_doubles_nothing(rig: Rig) -> None:
    orgs = [uuid.uuid4() for _ in range(5)]
    await rig.emit_versions(orgs, 8)
    assert await rig.relay.drain() == 40
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "xuncha_shared.testing.contract_worker",
        *("--backend", rig.backend, "--database-url", rig.database_url),
        *("--bus-database-url", rig.bus_database_url, "--bootstrap", rig.bootstrap),
        *("--topic", rig.topic, "--group", rig.group, "--dlq-topic", rig.dlq_topic),
        *("--delay", "0.05", "--batch-size", "40"),
        *("--kafka-username", rig.kafka_username, "--kafka-ssl-cafile", rig.kafka_ssl_cafile),
        env={**os.environ, cw.KAFKA_PASSWORD_ENV: rig.kafka_password},
        start_new_session=True,
    )
    try:
        await eventually(lambda: _count(rig, 8), timeout=90, interval=0.02)
        os.killpg(worker.pid, signal.SIGKILL)
    finally:
        if worker.returncode is None:
            worker.kill()
        await worker.wait()
    applied_before_kill = len(await rig.effects())
    assert 8 <= applied_before_kill < 40, "the kill must land in the middle of the batch"
    consumer = rig.consumer()
    await _consume_until(consumer, rig, 40, timeout=90)
    await asyncio.sleep(0.5)
    effects = await rig.effects()
    assert len(effects) == 40
    assert len({e["event_id"] for e in effects}) == 40
    # The restarted consumer was handed the batch again and skipped what was already applied.
    assert _consumed(consumer, "skipped") >= 1


async def test_poison_event_goes_to_dlq_after_n_tries_and_replays(rig: Rig) -> None:
    good, bad = uuid.uuid4(), uuid.uuid4()
    await rig.conn.execute("INSERT INTO contract.poison VALUES ($1)", bad)
    await rig.emit_versions([bad, good], 1)
    await rig.relay.drain()
    consumer = rig.consumer(max_attempts=3)
    task = asyncio.create_task(consumer.run())
    try:
        # The good event was handled: the poison did not block the stream. Both bad messages
        # were dead-lettered (the poison after its 3 tries, the junk at once).
        await eventually(lambda: _count(rig, 1), timeout=60)
        await eventually(lambda: _dead_lettered(consumer, 1), timeout=60)
        # A message that is not even a CloudEvent goes to the DLQ at once, without retries
        # (sent after the poison one so the dead letters' order is known).
        await rig.bus.publish([BusMessage(topic=rig.topic, key="junk", value=b"not a cloud event")])
        await eventually(lambda: _dead_lettered(consumer, 2), timeout=60)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert [e["org_id"] for e in await rig.effects()] == [good]

    # Read the dead letters back: the error and the attempts are recorded.
    sub = rig.bus.subscribe(group=f"{rig.group}.inspect", topics=[rig.dlq_topic])
    await sub.start()
    letters: list[Any] = []
    for _ in range(20):
        letters += await sub.fetch(max_records=10, timeout=0.5)
        if len(letters) >= 2:
            break
    await sub.stop()
    headers = [dict(d.message.headers) for d in letters]
    assert {h["x-attempts"] for h in headers} == {b"3", b"1"}
    assert any(b"DeliberateFailure" in h["x-error"] for h in headers)

    # Replay before the cause is fixed: stops at the first failure, keeps the letter.
    replay_group = f"{rig.group}.replay"
    replayed, failed = await replay_dead_letters(
        consumer, rig.bus, dlq_topic=rig.dlq_topic, group=replay_group
    )
    assert replayed == 0 and failed >= 1
    await rig.conn.execute("DELETE FROM contract.poison")
    replayed, failed = await replay_dead_letters(
        consumer, rig.bus, dlq_topic=rig.dlq_topic, group=replay_group
    )
    # The poison event now applies; the malformed one can never apply and is passed over
    # (in whichever of the two runs reached it first: the DLQ has several partitions).
    assert replayed == 1 and failed <= 1
    assert {e["org_id"] for e in await rig.effects()} == {good, bad}


async def test_event_on_a_topic_not_its_producers_is_dead_lettered_not_applied(rig: Rig) -> None:
    """Anyone able to write some topic could otherwise forge another producer's events: a
    planning ``group.membership_changed`` or ``org.registered`` written to findings' topic
    goes to the dead-letter topic with the reason, and has no effect."""
    prefix = rig.topic.removesuffix(".planning.v1")
    findings_topic = topic_for(prefix, "findings")
    await rig.bus.ensure_topics([findings_topic])
    org = uuid.uuid4()
    forged_org = envelope(cw.snapshot(org, 1), time=datetime.now(UTC))
    forged_membership = envelope(
        GroupMembershipChanged(
            jurisdiction="410825",
            round_id=uuid.uuid4(),
            group_id=uuid.uuid4(),
            name="第一巡察组",
            inspecting_jurisdiction="410825",
            members=(),
            version=2,
            change="added",
            cadre_id=uuid.uuid4(),
            role=GroupRole.member,
        ),
        time=datetime.now(UTC),
    )
    await rig.bus.publish(
        [
            BusMessage(topic=findings_topic, key=str(org), value=forged_org.to_json_bytes()),
            BusMessage(topic=findings_topic, key="group", value=forged_membership.to_json_bytes()),
        ]
    )
    # The genuine event on planning's own topic still applies.
    await rig.emit_versions([uuid.uuid4()], 1)
    await rig.relay.drain()
    consumer = rig.consumer(also_topics=[findings_topic])
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: _count(rig, 1), timeout=60)
        await eventually(lambda: _dead_lettered(consumer, 2), timeout=60)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert [e["org_id"] for e in await rig.effects()] != [org]
    assert len(await rig.effects()) == 1
    assert (
        await rig.conn.fetchval(
            "SELECT count(*) FROM contract.inbox WHERE event_id = ANY($1::uuid[])",
            [forged_org.id, forged_membership.id],
        )
        == 0
    )

    sub = rig.bus.subscribe(group=f"{rig.group}.inspect", topics=[rig.dlq_topic])
    await sub.start()
    letters: list[Any] = []
    for _ in range(40):
        letters += await sub.fetch(max_records=10, timeout=0.5)
        if len(letters) >= 2:
            break
    await sub.stop()
    dead = [DeadLetter.from_message(d.message) for d in letters]
    assert {d.original_topic for d in dead} == {findings_topic}
    assert all(d.error.startswith("ForgedEvent: ") for d in dead), [d.error for d in dead]
    assert all("accepted only from its topic" in d.error for d in dead)
    assert {json.loads(d.value)["type"] for d in dead} == {
        forged_org.type,
        forged_membership.type,
    }
    # Replaying a forged letter cannot apply it either: it is passed over.
    replayed, _ = await replay_dead_letters(
        consumer, rig.bus, dlq_topic=rig.dlq_topic, group=f"{rig.group}.replay", idle_seconds=3
    )
    assert replayed == 0
    assert len(await rig.effects()) == 1


def _consumed(consumer: EventConsumer, outcome: str) -> float:
    assert consumer.metrics is not None
    value = consumer.metrics.registry.get_sample_value(
        "xuncha_events_consumed_total", {"outcome": outcome}
    )
    return value or 0.0


def _dead_lettered(consumer: EventConsumer, n: int) -> bool:
    return _consumed(consumer, "dead_lettered") >= n

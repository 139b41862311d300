"""The bus contract: the same suite on the Kafka backend and on the PostgreSQL-log backend.

Proves order per key, one effect per redelivered event, no loss while the bus is down,
no loss and no double effect when a consumer process is killed mid-batch, and poison
events going to the dead-letter topic after N tries and coming back by replay.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.bus.base import BusMessage, BusUnavailable
from xuncha_shared.consumer import DeadLetter, replay_dead_letters
from xuncha_shared.events.base import envelope
from xuncha_shared.events.planning import GroupMembershipChanged, GroupRole
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.settings import topic_for
from xuncha_shared.testing import contract_worker as cw
from xuncha_shared.testing.plugin import eventually

from tests.contract.bus_rig import (
    Rig,
    consume_until,
    count_effects,
    dead_lettered,
    kill_worker_after_first_effect,
)

pytestmark = pytest.mark.timeout(240)


async def test_order_per_key(rig: Rig) -> None:
    orgs = [uuid.uuid4() for _ in range(4)]
    await rig.emit_versions(orgs, 15)
    assert await rig.relay.drain() == 60
    await consume_until(rig.consumer(batch_size=7), rig, 60)
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
    await consume_until(consumer, rig, 1)
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
    await consume_until(rig.consumer(), rig, 12, timeout=90)
    effects = await rig.effects()
    assert len(effects) == 12 and len({e["event_id"] for e in effects}) == 12


async def _zero(relay: OutboxRelay) -> bool:
    return await relay.pending() == 0


async def test_consumer_killed_mid_transaction_loses_nothing_and_doubles_nothing(
    rig: Rig,
) -> None:
    """Killed while a batch's transaction is open: the batches committed before stay, the
    open one is rolled back whole, and the restarted consumer applies the rest once."""
    orgs = [uuid.uuid4() for _ in range(5)]
    await rig.emit_versions(orgs, 8)
    assert await rig.relay.drain() == 40
    applied_before_kill = await kill_worker_after_first_effect(
        rig, "--delay", "0.05", "--batch-size", "8"
    )
    assert 1 <= applied_before_kill < 40, "the kill must land in the middle of the stream"
    consumer = rig.consumer()
    await consume_until(consumer, rig, 40, timeout=90)
    await asyncio.sleep(0.5)
    effects = await rig.effects()
    assert len(effects) == 40
    assert len({e["event_id"] for e in effects}) == 40


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
        await eventually(lambda: count_effects(rig, 1), timeout=60)
        await eventually(lambda: dead_lettered(consumer, 1), timeout=60)
        # A message that is not even a CloudEvent goes to the DLQ at once, without retries
        # (sent after the poison one so the dead letters' order is known).
        await rig.bus.publish([BusMessage(topic=rig.topic, key="junk", value=b"not a cloud event")])
        await eventually(lambda: dead_lettered(consumer, 2), timeout=60)
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
        await eventually(lambda: count_effects(rig, 1), timeout=60)
        await eventually(lambda: dead_lettered(consumer, 2), timeout=60)
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

"""The consumer applies a fetch as one transaction, on both backends: a poison event in the
middle of a batch is dead-lettered alone while the others take effect once, in order; a
crash after the database commit but before the offset commit redelivers the batch and the
inbox makes it a no-op; and a batch is one transaction, not one per event."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from xuncha_shared.consumer import EventConsumer
from xuncha_shared.testing.plugin import eventually

from tests.contract.bus_rig import (
    Rig,
    consume_until,
    consumed,
    count_effects,
    dead_lettered,
    kill_worker_after_first_effect,
    stop_consumer,
)

pytestmark = pytest.mark.timeout(240)


async def test_poison_in_the_middle_of_a_batch_is_dead_lettered_alone(rig: Rig) -> None:
    good = [uuid.uuid4() for _ in range(3)]
    bad = uuid.uuid4()
    await rig.conn.execute("INSERT INTO contract.poison VALUES ($1)", bad)
    # v1 then v2 of each org, interleaved: the poison org's events sit mid-batch, twice.
    await rig.emit_versions([good[0], good[1], bad, good[2]], 2)
    assert await rig.relay.drain() == 8
    consumer = rig.consumer(max_attempts=2, batch_size=50)
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: count_effects(rig, 6), timeout=60)
        await eventually(lambda: dead_lettered(consumer, 2), timeout=60)
        await asyncio.sleep(0.5)  # room for a wrong second effect to show
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    effects = await rig.effects()
    assert len(effects) == 6 and len({e["event_id"] for e in effects}) == 6
    for org in good:
        assert [e["version"] for e in effects if e["org_id"] == org] == [1, 2]
    assert bad not in {e["org_id"] for e in effects}
    # The poison events hold no inbox row, so a replay after the fix can still apply them.
    assert await rig.conn.fetchval("SELECT count(*) FROM contract.inbox") == 6
    assert consumed(consumer, "handled") == 6
    assert consumed(consumer, "dead_lettered") == 2


async def test_crash_after_database_commit_before_offset_commit_redelivers_a_no_op(
    rig: Rig,
) -> None:
    orgs = [uuid.uuid4() for _ in range(5)]
    await rig.emit_versions(orgs, 8)
    assert await rig.relay.drain() == 40
    # The worker commits its first batch to the database, then waits before committing the
    # offsets: it is killed right there.
    applied_before_kill = await kill_worker_after_first_effect(
        rig, "--batch-size", "40", "--hold-offsets-seconds", "120"
    )
    assert applied_before_kill >= 1
    consumer = rig.consumer(batch_size=40)
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: _seen(consumer, 40), timeout=90)
        await asyncio.sleep(0.5)
    finally:
        await stop_consumer(task)
    effects = await rig.effects()
    assert len(effects) == 40 and len({e["event_id"] for e in effects}) == 40
    # The batch came again and the inbox turned every one of its events into a no-op.
    assert consumed(consumer, "skipped") >= applied_before_kill
    assert consumed(consumer, "handled") == 40 - applied_before_kill
    for org in orgs:
        assert [e["version"] for e in effects if e["org_id"] == org] == list(range(1, 9))


async def _seen(consumer: EventConsumer, n: int) -> bool:
    return consumed(consumer, "handled") + consumed(consumer, "skipped") >= n


async def test_a_batch_is_one_transaction(rig: Rig) -> None:
    orgs = [uuid.uuid4() for _ in range(4)]
    await rig.emit_versions(orgs, 5)
    assert await rig.relay.drain() == 20
    # One transaction id per batch, recorded by each effect's row: far fewer than events.
    await rig.conn.execute(
        "ALTER TABLE contract.effects ADD COLUMN IF NOT EXISTS xid bigint DEFAULT txid_current()"
    )
    consumer = rig.consumer(batch_size=50)
    await consume_until(consumer, rig, 20)
    transactions = await rig.conn.fetchval("SELECT count(DISTINCT xid) FROM contract.effects")
    # The PostgreSQL log hands over all 20 at once; Kafka a fetch per partition or so.
    assert transactions == 1 if rig.backend == "postgres" else transactions <= 5
    assert consumed(consumer, "handled") == 20

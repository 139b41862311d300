"""The relay's rules on both backends: one relay per service by the advisory lock alone (two
relays racing publish every event once, in order per key), and a caught-up relay sending a
commit that arrives while a batch is in flight behind it at once (see ``xuncha_shared.relay``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Sequence

import pytest
from xuncha_shared.bus.base import Bus, BusMessage, Delivery, Subscription
from xuncha_shared.clock import SystemClock
from xuncha_shared.relay import OutboxRelay
from xuncha_shared.testing import contract_worker as cw
from xuncha_shared.testing.plugin import eventually

from tests.contract.bus_rig import Rig

pytestmark = pytest.mark.timeout(240)


class AcksHeldBus:
    """A real bus whose acknowledgements are held until ``release``: a broker that is slow to
    acknowledge, so a test can act while a batch is in flight. Counts the sends."""

    def __init__(self, bus: Bus) -> None:
        self._bus = bus
        self._released = asyncio.Event()
        self.sends: list[int] = []

    def release(self) -> None:
        self._released.set()

    async def start(self) -> None:
        await self._bus.start()

    async def stop(self) -> None:
        await self._bus.stop()

    async def publish(self, messages: Sequence[BusMessage]) -> None:
        await (await self.send(messages))

    async def send(self, messages: Sequence[BusMessage]) -> Awaitable[None]:
        acks = await self._bus.send(messages)
        self.sends.append(len(messages))
        return self._held(acks)

    async def _held(self, acks: Awaitable[None]) -> None:
        await self._released.wait()
        await acks

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        await self._bus.ensure_topics(topics)

    def subscribe(self, *, group: str, topics: Sequence[str]) -> Subscription:
        return self._bus.subscribe(group=group, topics=topics)


async def _read_all(rig: Rig, count: int) -> list[Delivery]:
    sub = rig.bus.subscribe(group=f"{rig.group}.inspect", topics=[rig.topic])
    await sub.start()
    got: list[Delivery] = []
    try:
        for _ in range(200):
            got += await _fetch_and_commit(sub, 0.5)
            if len(got) >= count:
                break
        # Anything sent twice would arrive behind: give it a moment.
        got += await _fetch_and_commit(sub, 1.0)
    finally:
        await sub.stop()
    return got


async def _fetch_and_commit(sub: Subscription, timeout: float) -> list[Delivery]:
    # The log reads from the group's committed offsets: commit, or the next fetch reads again.
    got = await sub.fetch(max_records=500, timeout=timeout)
    await sub.commit(got)
    return got


async def test_two_relays_of_one_service_publish_every_event_once_in_order(rig: Rig) -> None:
    orgs = [uuid.uuid4() for _ in range(8)]
    await rig.emit_versions(orgs, 25)
    relays = [
        OutboxRelay(
            engine=rig.engine, tables=cw.TABLES, bus=rig.bus, clock=SystemClock(), batch_size=7
        )
        for _ in range(2)
    ]
    published = 0
    while await rig.relay.pending():
        published += sum(await asyncio.gather(*(r.drain() for r in relays)))
    assert published == 200
    got = _ids_and_versions(await _read_all(rig, 200))
    assert len(got) == 200
    assert len({event_id for event_id, _, _ in got}) == 200
    for org in orgs:
        assert [v for _, key, v in got if key == str(org)] == list(range(1, 26))


def _ids_and_versions(deliveries: list[Delivery]) -> list[tuple[str, str, int]]:
    out = []
    for d in deliveries:
        event = json.loads(d.message.value)
        out.append((event["id"], d.message.key, event["data"]["version"]))
    return out


async def test_a_commit_while_a_batch_is_in_flight_is_sent_behind_it_at_once(rig: Rig) -> None:
    """A relay that has sent a batch and waits for its acknowledgements reads a commit that
    wakes it and sends it behind, in the same run: not after the first batch's
    acknowledgements, marks and COMMIT."""
    first, second = uuid.uuid4(), uuid.uuid4()
    bus = AcksHeldBus(rig.bus)
    relay = OutboxRelay(
        engine=rig.engine, tables=cw.TABLES, bus=bus, clock=SystemClock(), batch_size=25
    )
    await rig.emit_versions([first], 1)
    run = asyncio.create_task(relay.drain())
    try:
        await eventually(lambda: _sent(bus, 1), timeout=30, interval=0.02)
        await rig.emit_versions([second], 1)
        relay.wake()  # what the outbox trigger's NOTIFY does
        await eventually(lambda: _sent(bus, 2), timeout=10, interval=0.02)
        assert bus.sends == [1, 1]
    finally:
        bus.release()
        published = await asyncio.wait_for(run, timeout=60)
    assert published == 2
    assert await relay.pending() == 0
    assert sorted(key for _, key, _ in _ids_and_versions(await _read_all(rig, 2))) == sorted(
        [str(first), str(second)]
    )


async def _sent(bus: AcksHeldBus, n: int) -> bool:
    return len(bus.sends) >= n

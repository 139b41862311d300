"""How the consumer splits a fetch (no database): every key's events in one lane, in order,
and batch handlers only beside a type's one-event handler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.bus.base import BusMessage, Delivery
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.consumer.loop import split_into_lanes_by_key
from xuncha_shared.events.planning import OrgRegistered, OrgUpdated


def _delivery(key: str, offset: int) -> Delivery:
    return Delivery(message=BusMessage(topic="t", key=key, value=b""), partition=0, offset=offset)


def test_events_of_one_key_share_a_lane_in_delivery_order() -> None:
    deliveries = [_delivery(f"k{i % 7}", i) for i in range(70)]
    lanes = split_into_lanes_by_key(deliveries, 4)
    assert 1 < len(lanes) <= 4
    assert sorted(d.offset for lane in lanes for d in lane) == list(range(70))
    for lane in lanes:
        assert [d.offset for d in lane] == sorted(d.offset for d in lane)
    lane_of = {d.message.key: i for i, lane in enumerate(lanes) for d in lane}
    for i, lane in enumerate(lanes):
        assert all(lane_of[d.message.key] == i for d in lane)


def test_one_lane_keeps_the_whole_fetch_in_order() -> None:
    deliveries = [_delivery(f"k{i}", i) for i in range(10)]
    assert split_into_lanes_by_key(deliveries, 1) == [deliveries]


async def _one(session: AsyncSession, event: Any, meta: EventMeta) -> None:
    return None


async def _many(session: AsyncSession, events: Sequence[tuple[Any, EventMeta]]) -> None:
    return None


def test_a_batch_handler_needs_the_types_handler_first() -> None:
    handlers = HandlerRegistry()
    with pytest.raises(ValueError, match="needs a handler first"):
        handlers.on_batch(OrgRegistered)(_many)
    handlers.on(OrgRegistered)(_one)
    handlers.on_batch(OrgRegistered)(_many)
    assert handlers.batch_handler(OrgRegistered.type) is _many
    assert handlers.batch_handler(OrgUpdated.type) is None

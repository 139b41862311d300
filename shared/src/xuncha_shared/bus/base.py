"""The bus interface both backends implement."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Protocol


class BusUnavailable(Exception):
    """The bus cannot take or give messages right now (broker or database down)."""


@dataclass(frozen=True)
class BusMessage:
    """One message: events of one aggregate share a key, so they stay in order."""

    topic: str
    key: str
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class Delivery:
    """A message as a subscriber received it, with where it sits in its topic."""

    message: BusMessage
    partition: int
    offset: int


class Subscription(Protocol):
    """One consumer group's view of some topics. Offsets move only on ``commit``."""

    async def start(self) -> None: ...

    async def fetch(self, *, max_records: int, timeout: float) -> list[Delivery]: ...

    async def commit(self, deliveries: Sequence[Delivery]) -> None: ...

    async def stop(self) -> None: ...


class Bus(Protocol):
    """Publish messages and subscribe to topics."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, messages: Sequence[BusMessage]) -> None:
        """Return only when every message is durably stored (all acknowledged), else raise
        :class:`BusUnavailable`. Order within a key is the order given."""
        ...

    async def send(self, messages: Sequence[BusMessage]) -> Awaitable[None]:
        """Hand ``messages`` to the bus and return at once with an awaitable that completes
        when every one of them is durably stored (else raises :class:`BusUnavailable`).

        Messages of a later ``send`` are stored after those of an earlier one (per key), so a
        caller may send the next batch before the acknowledgements of this one arrive; it
        must await every returned awaitable."""
        ...

    async def ensure_topics(self, topics: Sequence[str]) -> None: ...

    def subscribe(self, *, group: str, topics: Sequence[str]) -> Subscription: ...


async def wait_event(event: asyncio.Event, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``event``; whether it was set.

    Uses ``asyncio.timeout`` rather than ``asyncio.wait_for``: on Python 3.11 ``wait_for``
    can swallow a cancellation that arrives just as the event is set, and a loop that waits
    that way then never stops (a shutdown that hangs for good)."""
    try:
        async with asyncio.timeout(timeout):
            await event.wait()
    except TimeoutError:
        return False
    return True


async def already_stored() -> None:
    """The acknowledgement of a ``send`` that stored its messages before returning."""

"""The outbox relay: publishes committed outbox rows to the bus, in order, at least once.

It claims unpublished rows with ``FOR UPDATE SKIP LOCKED`` under a per-service advisory
lock (so two relays of one service never interleave and per-key order holds), publishes
them, waits for every acknowledgement and only then marks them published, all in one
transaction. A failure rolls the marks back and the rows are sent again later; consumers'
inboxes absorb the duplicates. It wakes on the outbox trigger's NOTIFY and polls as a
fallback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import zlib

import asyncpg
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from xuncha_shared.bus.base import Bus, BusMessage, BusUnavailable, wait_event
from xuncha_shared.bus.postgres import asyncpg_dsn
from xuncha_shared.clock import Clock
from xuncha_shared.messaging import MessagingTables
from xuncha_shared.observability import Metrics

log = logging.getLogger(__name__)


class OutboxRelay:
    """Moves one service's outbox to the bus."""

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        tables: MessagingTables,
        bus: Bus,
        clock: Clock,
        metrics: Metrics | None = None,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 10.0,
    ) -> None:
        self._engine = engine
        self._tables = tables
        self._bus = bus
        self._clock = clock
        self._metrics = metrics
        self._batch_size = batch_size
        self._poll = poll_seconds
        self._max_backoff = max_backoff_seconds
        self._wakeup = asyncio.Event()
        self._lock_key = zlib.crc32(f"{tables.schema}.relay".encode()) - 2**31

    def wake(self) -> None:
        """Ask the relay to look at the outbox now."""
        self._wakeup.set()

    async def publish_batch(self) -> int:
        """Publish up to one batch; returns how many rows were published.

        Raises:
            BusUnavailable: the bus refused the batch. The rows stay unpublished and each
                one's ``attempts`` grows by one (counted after the batch's rollback).
        """
        outbox = self._tables.outbox
        refused: BusUnavailable | None = None
        async with self._engine.begin() as conn:
            got_lock = await conn.scalar(select(func.pg_try_advisory_xact_lock(self._lock_key)))
            if not got_lock:
                return 0
            rows = (
                await conn.execute(
                    select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.envelope)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            ids = [r.id for r in rows]
            messages = [
                BusMessage(
                    topic=r.topic,
                    key=r.key,
                    value=json.dumps(
                        r.envelope, ensure_ascii=False, separators=(",", ":")
                    ).encode(),
                    headers=(("content-type", b"application/cloudevents+json"),),
                )
                for r in rows
            ]
            try:
                await self._bus.publish(messages)
            except BusUnavailable as exc:
                refused = exc
            else:
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(ids))
                    .values(published_at=self._clock.now())
                )
        if refused is not None:
            await self._count_attempt(ids)
            raise refused
        if self._metrics is not None:
            self._metrics.relay_published.inc(len(rows))
        return len(rows)

    async def _count_attempt(self, ids: list[object]) -> None:
        # Its own transaction: the batch's was left without marks, and a rollback there would
        # take the count with it.
        outbox = self._tables.outbox
        async with self._engine.begin() as conn:
            await conn.execute(
                update(outbox).where(outbox.c.id.in_(ids)).values(attempts=outbox.c.attempts + 1)
            )

    async def drain(self) -> int:
        """Publish until the outbox is empty; returns the number published."""
        total = 0
        while n := await self.publish_batch():
            total += n
        return total

    async def pending(self) -> int:
        """Rows still waiting to be published."""
        outbox = self._tables.outbox
        async with self._engine.connect() as conn:
            return int(
                await conn.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                )
                or 0
            )

    async def run(self) -> None:
        """Run until cancelled: drain on every wake-up or poll; back off while the bus or
        database is down, never dropping a row."""
        listener = asyncio.create_task(self._listen(), name=f"{self._tables.schema}-outbox-listen")
        backoff = self._poll
        try:
            while True:
                try:
                    await self.drain()
                    backoff = self._poll
                except (BusUnavailable, DBAPIError, OSError) as exc:
                    log.warning(
                        "outbox relay paused",
                        extra={"schema": self._tables.schema, "reason": type(exc).__name__},
                    )
                    backoff = min(backoff * 2, self._max_backoff)
                    await asyncio.sleep(backoff)
                    continue
                self._wakeup.clear()
                await wait_event(self._wakeup, self._poll)
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)

    async def _listen(self) -> None:
        # A dedicated connection for LISTEN; if it drops, polling still works and we retry.
        url = self._engine.url.render_as_string(hide_password=False)
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(asyncpg_dsn(url), timeout=5)
                await conn.add_listener(self._tables.notify_channel, lambda *_: self.wake())
                while not conn.is_closed():
                    await asyncio.sleep(self._poll * 5)
                    await conn.execute("SELECT 1")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("outbox listener reconnecting: %s", type(exc).__name__)
                await asyncio.sleep(self._poll)
            finally:
                if conn is not None and not conn.is_closed():
                    conn.terminate()

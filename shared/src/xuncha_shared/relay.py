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
import logging
import zlib
from collections.abc import Awaitable, Sequence
from typing import Any

import asyncpg
from sqlalchemy import ARRAY, Row, Text, any_, bindparam, cast, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from xuncha_shared.bus.base import Bus, BusMessage, BusUnavailable, wait_event
from xuncha_shared.bus.postgres import asyncpg_dsn
from xuncha_shared.clock import Clock
from xuncha_shared.messaging import MessagingTables
from xuncha_shared.observability import Metrics

log = logging.getLogger(__name__)

_CONTENT_TYPE = (("content-type", b"application/cloudevents+json"),)


def _messages(rows: Sequence[Row[Any]]) -> list[BusMessage]:
    return [
        BusMessage(topic=r.topic, key=r.key, value=r.envelope.encode(), headers=_CONTENT_TYPE)
        for r in rows
    ]


async def _settle(acks: Awaitable[None]) -> bool:
    """Await a batch's acknowledgements whose outcome no longer decides anything (a run that
    stops); whether the bus stored it."""
    try:
        await acks
    except BusUnavailable:
        return False
    return True


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
        batches_per_transaction: int = 20,
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 10.0,
    ) -> None:
        self._engine = engine
        self._tables = tables
        self._bus = bus
        self._clock = clock
        self._metrics = metrics
        self._batch_size = batch_size
        self._batches_per_transaction = batches_per_transaction
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
        return await self._publish_pipelined(max_batches=1)

    async def _publish_pipelined(self, *, max_batches: int) -> int:
        """Publish up to ``max_batches`` batches in one transaction, overlapping the bus's
        acknowledgements of one batch with reading and sending the next.

        Each batch is sent only after the previous one was handed to the bus (the bus keeps
        that order per key) and marked published only once the bus acknowledged it; a batch
        refused by the bus stops the run, its rows and every later row stay unpublished, and
        the marks of the batches before it are committed. Returns how many were published.
        """
        refused: BusUnavailable | None = None
        refused_ids: list[object] = []
        published = 0
        async with self._engine.begin() as conn:
            got_lock = await conn.scalar(select(func.pg_try_advisory_xact_lock(self._lock_key)))
            if not got_lock:
                return 0
            rows = await self._claim(conn, after_seq=None)
            if not rows:
                return 0
            try:
                acks = await self._bus.send(_messages(rows))
            except BusUnavailable as exc:
                refused, refused_ids = exc, [r.id for r in rows]
            batches = 1
            while refused is None:
                # While the bus acknowledges this batch: read the next one and send it behind.
                following: list[Row[Any]] = []
                following_acks: Awaitable[None] | None = None
                try:
                    if batches < max_batches:
                        following = await self._claim(conn, after_seq=rows[-1].seq)
                    if following:
                        following_acks = await self._bus.send(_messages(following))
                        batches += 1
                except BusUnavailable as exc:
                    refused, refused_ids = exc, [r.id for r in following]
                except BaseException:
                    await _settle(acks)
                    raise
                try:
                    await acks
                except BusUnavailable as exc:
                    # Nothing from here on is marked: this batch and the one behind it are
                    # sent again, in order, on the next run.
                    refused = exc
                    refused_ids = [r.id for r in rows]
                    if following_acks is not None and not await _settle(following_acks):
                        refused_ids += [r.id for r in following]
                    break
                try:
                    await self._mark_published(conn, [r.id for r in rows])
                except BaseException:
                    if following_acks is not None:
                        await _settle(following_acks)
                    raise
                published += len(rows)
                if following_acks is None:
                    break
                rows, acks = following, following_acks
        if refused is not None:
            await self._count_attempt(refused_ids)
            if published == 0:
                raise refused
            log.warning(
                "outbox relay stopped mid-run",
                extra={"schema": self._tables.schema, "reason": type(refused).__name__},
            )
        if self._metrics is not None and published:
            self._metrics.relay_published.inc(published)
        return published

    async def _claim(self, conn: AsyncConnection, *, after_seq: int | None) -> list[Row[Any]]:
        """Lock the next batch of unpublished rows (after ``after_seq``, the last row of the
        batch still in flight in this transaction), keeping each envelope's stored text."""
        outbox = self._tables.outbox
        # The envelope as PostgreSQL stores it, sent as it is: no decode into dicts and
        # re-serialisation in Python for every row.
        envelope_text = cast(outbox.c.envelope, Text).label("envelope")
        query = (
            select(outbox.c.id, outbox.c.seq, outbox.c.topic, outbox.c.key, envelope_text)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.seq)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        )
        if after_seq is not None:
            query = query.where(outbox.c.seq > after_seq)
        return list((await conn.execute(query)).all())

    async def _mark_published(self, conn: AsyncConnection, ids: list[object]) -> None:
        # One array parameter (``id = ANY($1)``), not one bound parameter per id.
        outbox = self._tables.outbox
        await conn.execute(
            update(outbox)
            .where(outbox.c.id == any_(bindparam("ids", ids, type_=ARRAY(outbox.c.id.type))))
            .values(published_at=self._clock.now())
        )

    async def _count_attempt(self, ids: list[object]) -> None:
        # Its own transaction: the batch's was left without marks, and a rollback there would
        # take the count with it.
        outbox = self._tables.outbox
        async with self._engine.begin() as conn:
            await conn.execute(
                update(outbox)
                .where(outbox.c.id == any_(bindparam("ids", ids, type_=ARRAY(outbox.c.id.type))))
                .values(attempts=outbox.c.attempts + 1)
            )

    async def drain(self) -> int:
        """Publish until the outbox is empty; returns the number published."""
        total = 0
        while n := await self._publish_pipelined(max_batches=self._batches_per_transaction):
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

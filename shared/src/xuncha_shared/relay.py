"""The outbox relay: publishes committed outbox rows to the bus, in order, at least once.

It reads unpublished rows in ``seq`` order under a per-service advisory lock (so two relays
of one service never interleave and per-key order holds), publishes them, waits for every
acknowledgement and only then marks them published, all in one transaction. A failure rolls
the marks back and the rows are sent again later; consumers' inboxes absorb the duplicates.
It wakes on the outbox trigger's NOTIFY and polls as a fallback.

The rule "one relay per service, by the advisory lock alone" (:func:`one_relay_per_service`):
the rows it reads take no row lock. ``pg_try_advisory_xact_lock`` is held until the
transaction that marks the rows ends, and a second relay of the service that asks for it
meanwhile gets ``false`` and publishes nothing. The relay that gets it next reads with a
snapshot taken after the lock was granted (READ COMMITTED takes one per statement, and the
engine keeps that level), so it sees every mark the previous holder committed and sends
none of those rows again. A relay that crashed left no marks; its rows are sent again, and
inboxes drop the duplicates. Nothing else writes ``published_at``. A ``FOR UPDATE`` per row
would only add a row lock (and its WAL record) per event.

The rule "marks are hints, committed without waiting for the disk"
(:func:`relay_marks_commit_without_flush`): a mark lost in a database crash only means its
row is sent again, which inboxes absorb; the events themselves were committed durably by the
transactions that wrote them. So the relay's transaction sets ``synchronous_commit = off``
and its COMMIT does not wait for a WAL flush.

The rule "a caught-up relay sends a new commit at once" (:meth:`OutboxRelay._next_batch`):
behind a full batch the next one is read at once (a backlog); behind a short batch the relay
waits for that batch's acknowledgements *or* the next NOTIFY, whichever comes first, and a
commit that arrives while a batch is in flight is read and sent behind it in the same
transaction, not after the marks, the COMMIT and a new transaction.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Sequence
from datetime import datetime

import asyncpg
from sqlalchemy import ARRAY, any_, bindparam, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from xuncha_shared.bus.base import Bus, BusMessage, BusUnavailable, wait_event
from xuncha_shared.bus.postgres import asyncpg_dsn
from xuncha_shared.clock import Clock
from xuncha_shared.messaging import MessagingTables
from xuncha_shared.observability import Metrics

log = logging.getLogger(__name__)

_CONTENT_TYPE = (("content-type", b"application/cloudevents+json"),)


# Columns of a claimed row (an asyncpg record, read by position).
_SEQ, _TOPIC, _KEY, _VALUE = range(4)


def _messages(rows: Sequence[asyncpg.Record]) -> list[BusMessage]:
    return [
        BusMessage(topic=r[_TOPIC], key=r[_KEY], value=r[_VALUE], headers=_CONTENT_TYPE)
        for r in rows
    ]


def _seqs(rows: Sequence[asyncpg.Record]) -> list[int]:
    return [r[_SEQ] for r in rows]


def one_relay_per_service(lock_key: int) -> str:
    """The statement that opens a relay's transaction: the service's advisory lock (see the
    module's rule; ``false`` when another relay holds it) and, with it,
    :func:`relay_marks_commit_without_flush`."""
    return f"SELECT pg_try_advisory_xact_lock({lock_key}), " + relay_marks_commit_without_flush()


def relay_marks_commit_without_flush() -> str:
    """The expression that makes the relay's COMMIT not wait for a WAL flush (see the
    module's rule)."""
    return "set_config('synchronous_commit', 'off', true)"


async def _driver_connection(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under ``conn``, for the relay's two hot statements: prepared
    once per connection, rows as records, no ORM result processing per row."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, asyncpg.Connection)
    return driver


async def _settle(acks: Awaitable[object]) -> bool:
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
        self._table = f'"{tables.schema}"."{tables.outbox.name}"'

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
        refused_seqs: list[int] = []
        published = 0
        async with self._engine.begin() as conn:
            # Through SQLAlchemy: this statement opens the transaction the raw statements of
            # _claim and _mark_published then run in.
            got_lock = (await conn.execute(text(one_relay_per_service(self._lock_key)))).scalar()
            if not got_lock:
                return 0
            driver = await _driver_connection(conn)
            rows = await self._claim(driver, after_seq=None)
            if not rows:
                return 0
            try:
                acks: asyncio.Future[datetime] = asyncio.ensure_future(
                    self._acknowledged(await self._bus.send(_messages(rows)))
                )
            except BusUnavailable as exc:
                refused, refused_seqs = exc, _seqs(rows)
            batches = 1
            while refused is None:
                # While the bus acknowledges this batch: read the next one and send it behind.
                following: list[asyncpg.Record] = []
                following_acks: asyncio.Future[datetime] | None = None
                try:
                    if batches < max_batches:
                        following = await self._next_batch(driver, rows, acks)
                    if following:
                        following_acks = asyncio.ensure_future(
                            self._acknowledged(await self._bus.send(_messages(following)))
                        )
                        batches += 1
                except BusUnavailable as exc:
                    refused, refused_seqs = exc, _seqs(following)
                except BaseException:
                    await _settle(acks)
                    raise
                try:
                    acked_at = await acks
                except BusUnavailable as exc:
                    # Nothing from here on is marked: this batch and the one behind it are
                    # sent again, in order, on the next run.
                    refused = exc
                    refused_seqs = _seqs(rows)
                    if following_acks is not None and not await _settle(following_acks):
                        refused_seqs += _seqs(following)
                    break
                try:
                    await self._mark_published(driver, _seqs(rows), acked_at)
                except BaseException:
                    if following_acks is not None:
                        await _settle(following_acks)
                    raise
                published += len(rows)
                if following_acks is None:
                    break
                rows, acks = following, following_acks
        if refused is not None:
            await self._count_attempt(refused_seqs)
            if published == 0:
                raise refused
            log.warning(
                "outbox relay stopped mid-run",
                extra={"schema": self._tables.schema, "reason": type(refused).__name__},
            )
        if self._metrics is not None and published:
            self._metrics.relay_published.inc(published)
        return published

    async def _acknowledged(self, acks: Awaitable[None]) -> datetime:
        """When the bus acknowledged a batch: its rows' ``published_at``, taken as the
        acknowledgements arrive, not when the relay gets round to marking them (behind the
        next batch's read and send)."""
        await acks
        return self._clock.now()

    async def _next_batch(
        self,
        driver: asyncpg.Connection,
        in_flight: Sequence[asyncpg.Record],
        acks: asyncio.Future[datetime],
    ) -> list[asyncpg.Record]:
        """The batch to send behind ``in_flight`` (see the module's rule "a caught-up relay
        sends a new commit at once"): read at once behind a full batch; behind a short one,
        once its acknowledgements arrive or a commit wakes the relay."""
        if len(in_flight) < self._batch_size and not acks.done():
            woken = asyncio.ensure_future(self._wakeup.wait())
            try:
                await asyncio.wait((acks, woken), return_when=asyncio.FIRST_COMPLETED)
            finally:
                woken.cancel()
        return await self._claim(driver, after_seq=in_flight[-1][_SEQ])

    async def _claim(
        self, driver: asyncpg.Connection, *, after_seq: int | None
    ) -> list[asyncpg.Record]:
        """The next batch of unpublished rows (after ``after_seq``, the last row of the batch
        still in flight in this transaction), each envelope as the bytes of its stored text:
        no decode into dicts, no re-serialisation, no str in between."""
        # Cleared before reading: a commit the read below misses sets it again.
        self._wakeup.clear()
        return list(
            await driver.fetch(
                f"SELECT seq, topic, key, convert_to(envelope::text, 'UTF8') FROM {self._table} "
                "WHERE published_at IS NULL AND seq > $1 ORDER BY seq LIMIT $2",
                -1 if after_seq is None else after_seq,
                self._batch_size,
            )
        )

    async def _mark_published(
        self, driver: asyncpg.Connection, seqs: list[int], acked_at: datetime
    ) -> None:
        # One array parameter (``seq = ANY($1)``), not one bound parameter per row.
        await driver.execute(
            f"UPDATE {self._table} SET published_at = $2 WHERE seq = ANY($1::bigint[])",
            seqs,
            acked_at,
        )

    async def _count_attempt(self, seqs: list[int]) -> None:
        # Its own transaction: the batch's was left without marks, and a rollback there would
        # take the count with it.
        outbox = self._tables.outbox
        async with self._engine.begin() as conn:
            await conn.execute(
                update(outbox)
                .where(
                    outbox.c.seq == any_(bindparam("seqs", seqs, type_=ARRAY(outbox.c.seq.type)))
                )
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
                # Cleared before draining, never after: a NOTIFY that arrives while the last
                # read of the drain runs must not be lost (it would wait for the next poll).
                self._wakeup.clear()
                try:
                    await self.drain()
                    backoff = self._poll
                except (
                    BusUnavailable,
                    DBAPIError,
                    OSError,
                    asyncpg.PostgresError,
                    asyncpg.InterfaceError,
                ) as exc:
                    log.warning(
                        "outbox relay paused",
                        extra={"schema": self._tables.schema, "reason": type(exc).__name__},
                    )
                    backoff = min(backoff * 2, self._max_backoff)
                    await asyncio.sleep(backoff)
                    continue
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

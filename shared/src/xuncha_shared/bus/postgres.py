"""The embedded bus: an append-only log table in PostgreSQL with per-group offsets.

Publishers serialise on a transaction-level advisory lock, so sequence numbers are assigned
in commit order and a reader that has seen ``seq = n`` will never later find a committed row
below ``n``. One consumer per group holds a session advisory lock; others stand by.
"""

from __future__ import annotations

import asyncio
import json
import logging
import zlib
from collections.abc import Awaitable, Sequence

import asyncpg

from xuncha_shared.bus.base import (
    BusMessage,
    BusUnavailable,
    Delivery,
    already_stored,
    wait_event,
)

log = logging.getLogger(__name__)

_CHANNEL = "xuncha_bus"
# Any of these means the bus database cannot be used right now (down, restarting, refusing
# connections); callers retry later.
_DOWN = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


def asyncpg_dsn(url: str) -> str:
    """asyncpg wants ``postgresql://``; SQLAlchemy URLs name the driver."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _lock_key(name: str) -> int:
    # A stable signed 32-bit key for pg advisory locks.
    return zlib.crc32(name.encode()) - 2**31


class PostgresBus:
    """Bus backend on a log table in schema ``schema`` of the given database."""

    def __init__(self, url: str, *, schema: str = "bus") -> None:
        self._dsn = asyncpg_dsn(url)
        self._schema = schema
        self._pool: asyncpg.Pool | None = None
        self._publish_lock = _lock_key(f"{schema}.publish")

    @property
    def schema(self) -> str:
        return self._schema

    async def start(self) -> None:
        if self._pool is not None:
            return
        try:
            self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=4, timeout=5)
        except _DOWN as exc:
            raise BusUnavailable(f"bus database unreachable: {type(exc).__name__}") from exc
        await self._ensure_schema()

    async def _ensure_schema(self) -> None:
        s = self._schema
        assert self._pool is not None
        # Serialise concurrent first starts of several services in one database.
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _lock_key(f"{s}.ddl"))
            await conn.execute(
                f"""
                    CREATE SCHEMA IF NOT EXISTS "{s}";
                    CREATE TABLE IF NOT EXISTS "{s}".log (
                        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        topic text NOT NULL,
                        key text NOT NULL,
                        value bytea NOT NULL,
                        headers jsonb NOT NULL DEFAULT '[]',
                        published_at timestamptz NOT NULL DEFAULT now()
                    );
                    CREATE INDEX IF NOT EXISTS log_topic_seq ON "{s}".log (topic, seq);
                    CREATE TABLE IF NOT EXISTS "{s}".offsets (
                        group_id text NOT NULL,
                        topic text NOT NULL,
                        position bigint NOT NULL,
                        PRIMARY KEY (group_id, topic)
                    );
                    """
            )

    async def stop(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    def _require_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise BusUnavailable("bus not started")
        return self._pool

    async def publish(self, messages: Sequence[BusMessage]) -> None:
        if not messages:
            return
        pool = self._require_pool()
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", self._publish_lock)
                await conn.executemany(
                    f'INSERT INTO "{self._schema}".log (topic, key, value, headers) '
                    "VALUES ($1, $2, $3, $4::jsonb)",
                    [
                        (
                            m.topic,
                            m.key,
                            m.value,
                            json.dumps([[k, v.decode("latin-1")] for k, v in m.headers]),
                        )
                        for m in messages
                    ],
                )
                await conn.execute("SELECT pg_notify($1, '')", _CHANNEL)
        except _DOWN as exc:
            raise BusUnavailable(f"bus database unreachable: {type(exc).__name__}") from exc

    async def send(self, messages: Sequence[BusMessage]) -> Awaitable[None]:
        # The log stores a batch in one transaction: stored once publish returns.
        await self.publish(messages)
        return already_stored()

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        # Topics in the log need no creation.
        return None

    def subscribe(self, *, group: str, topics: Sequence[str]) -> PostgresSubscription:
        return PostgresSubscription(self._dsn, self._schema, group=group, topics=list(topics))


class PostgresSubscription:
    """A consumer group on the log. Holds a dedicated connection for LISTEN and the lock."""

    def __init__(self, dsn: str, schema: str, *, group: str, topics: list[str]) -> None:
        self._dsn = dsn
        self._schema = schema
        self._group = group
        self._topics = topics
        self._conn: asyncpg.Connection | None = None
        self._wakeup = asyncio.Event()
        self._has_lock = False

    async def start(self) -> None:
        try:
            conn = await asyncpg.connect(self._dsn, timeout=5)
        except _DOWN as exc:
            raise BusUnavailable(f"bus database unreachable: {type(exc).__name__}") from exc
        self._conn = conn
        await conn.add_listener(_CHANNEL, self._on_notify)

    def _on_notify(self, *_: object) -> None:
        self._wakeup.set()

    async def _ensure_lock(self, conn: asyncpg.Connection) -> bool:
        if not self._has_lock:
            self._has_lock = bool(
                await conn.fetchval("SELECT pg_try_advisory_lock($1)", _lock_key(self._group))
            )
        return self._has_lock

    async def fetch(self, *, max_records: int, timeout: float) -> list[Delivery]:
        conn = self._conn
        if conn is None or conn.is_closed():
            self._conn = None
            self._has_lock = False
            await self.start()
            conn = self._conn
        assert conn is not None
        try:
            rows = await self._read(conn, max_records) if await self._ensure_lock(conn) else []
            if not rows:
                self._wakeup.clear()
                if not await wait_event(self._wakeup, timeout):
                    return []
                rows = await self._read(conn, max_records) if await self._ensure_lock(conn) else []
        except _DOWN as exc:
            await self._drop_connection()
            raise BusUnavailable(f"bus database unreachable: {type(exc).__name__}") from exc
        return [
            Delivery(
                message=BusMessage(
                    topic=r["topic"],
                    key=r["key"],
                    value=bytes(r["value"]),
                    headers=tuple((k, v.encode("latin-1")) for k, v in json.loads(r["headers"])),
                ),
                partition=0,
                offset=r["seq"],
            )
            for r in rows
        ]

    async def _read(self, conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
        s = self._schema
        return list(
            await conn.fetch(
                f"""
                SELECT l.seq, l.topic, l.key, l.value, l.headers
                FROM "{s}".log l
                WHERE l.topic = ANY($1::text[])
                  AND l.seq > COALESCE(
                      (SELECT o.position FROM "{s}".offsets o
                       WHERE o.group_id = $2 AND o.topic = l.topic), 0)
                ORDER BY l.seq
                LIMIT $3
                """,
                self._topics,
                self._group,
                limit,
            )
        )

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        last: dict[str, int] = {}
        for d in deliveries:
            last[d.message.topic] = max(last.get(d.message.topic, 0), d.offset)
        conn = self._conn
        if conn is None:
            raise BusUnavailable("subscription not started")
        try:
            await conn.executemany(
                f"""
                INSERT INTO "{self._schema}".offsets (group_id, topic, position)
                VALUES ($1, $2, $3)
                ON CONFLICT (group_id, topic)
                DO UPDATE SET position = GREATEST(EXCLUDED.position, offsets.position)
                """,
                [(self._group, t, pos) for t, pos in last.items()],
            )
        except _DOWN as exc:
            await self._drop_connection()
            raise BusUnavailable(f"bus database unreachable: {type(exc).__name__}") from exc

    async def _drop_connection(self) -> None:
        conn, self._conn, self._has_lock = self._conn, None, False
        if conn is not None:
            conn.terminate()

    async def stop(self) -> None:
        conn, self._conn, self._has_lock = self._conn, None, False
        if conn is not None and not conn.is_closed():
            await conn.close()

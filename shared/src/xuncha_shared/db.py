"""Engine, sessions with commit at the edge, and the per-service base for tables.

Each service owns one PostgreSQL schema. Its tables derive from the ``Base`` that
:func:`service_base` returns, so their metadata (and so their migrations) stay in that
schema. Only the edges (the request dependency, the consumer loop, the relay) commit;
service functions flush.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, Table
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import registry

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_registry(schema: str) -> registry:
    """A mapper registry whose metadata puts a service's tables in ``schema``.

    A service declares ``class Base(SQLModel, registry=service_registry(SCHEMA))`` so its
    tables (and so its migrations) have metadata of their own.
    """
    return registry(metadata=MetaData(schema=schema, naming_convention=NAMING_CONVENTION))


def create_engine(url: str, *, pool_size: int = 5, application_name: str = "xuncha") -> AsyncEngine:
    """An asyncpg engine that recovers when PostgreSQL returns, without a ping per checkout.

    Disconnects are handled optimistically: a statement that fails on a dead connection
    raises (the request is a 503), and SQLAlchemy then invalidates that connection and every
    other one the pool opened before it, so the next checkouts connect afresh. A round trip
    before every checkout (``pool_pre_ping``) cost each request about a millisecond.

    ``hide_parameters``: a statement's parameters are a citizen's report, a person's name, a
    phone number; an error's message (and so every log line and traceback that carries it)
    shows the SQL without them.
    """
    return create_async_engine(
        url,
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        pool_timeout=10,
        connect_args={
            "server_settings": {"application_name": application_name, "timezone": "UTC"},
            "timeout": 5,
        },
    )


def create_sessionmaker(engine: AsyncEngine, **info: Any) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep objects usable after commit; ``info`` travels with each session
    (the outbox writer finds its table and source there)."""
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    # The edge of a request: commit once the route returns, before the response is sent,
    # so a failed commit is the client's error response, never a lost write after a 200.
    maker: async_sessionmaker[AsyncSession] = request.app.state.runtime.sessionmaker
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


DbSession = Annotated[AsyncSession, Depends(_request_session, scope="function")]


def upsert(
    table: Table,
    values: Mapping[str, Any],
    *,
    key: Sequence[str] = ("id",),
    newer: str | None = None,
) -> Insert:
    """Insert ``values``, or update the row with the same ``key`` to them.

    With ``newer`` (a version column) an existing row is updated only by a higher version, so
    a projection fed out of order keeps the latest state.
    """
    stmt = insert(table).values(**values)
    return stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in key],
        set_={k: stmt.excluded[k] for k in values if k not in key},
        where=table.c[newer] < stmt.excluded[newer] if newer else None,
    )

"""Document numbers on the real PostgreSQL: gapless and unique under concurrency, given back
by a rollback, counted per jurisdiction, series and year. The tables come from the frozen
migration helper, which must match the table definitions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.documents import (
    document_numbers_table,
    letter_templates_table,
    take_document_number,
)
from xuncha_shared.migrations import create_document_tables_v1

SCHEMA = "doctest"


def migrate(connection: Connection) -> None:
    connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    with Operations.context(MigrationContext.configure(connection)):
        create_document_tables_v1(SCHEMA)


@dataclass
class Numbers:
    engine: AsyncEngine
    maker: async_sessionmaker[AsyncSession]
    table: Table

    async def take(
        self, jurisdiction: str = "410825", series: str = "巡提", year: int = 2027
    ) -> int:
        async with self.maker() as session, session.begin():
            return await take_document_number(
                session, self.table, jurisdiction=jurisdiction, series=series, year=year
            )


@pytest.fixture
async def numbers(database_url: str) -> AsyncIterator[Numbers]:
    engine = create_engine(database_url, pool_size=21)
    async with engine.begin() as conn:
        await conn.run_sync(migrate)
    metadata = MetaData(schema=SCHEMA)
    yield Numbers(engine, create_sessionmaker(engine), document_numbers_table(metadata))
    await engine.dispose()


def _diff(connection: Connection) -> list[object]:
    metadata = MetaData(schema=SCHEMA)
    document_numbers_table(metadata)
    letter_templates_table(metadata)
    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, parent: type_ != "schema" or name == SCHEMA,
            "compare_type": True,
        },
    )
    return list(compare_metadata(context, metadata))


async def test_the_frozen_migration_matches_the_tables(numbers: Numbers) -> None:
    async with numbers.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_forty_concurrent_takers_get_one_to_forty(numbers: Numbers) -> None:
    async def take_slowly() -> int:
        async with numbers.maker() as session, session.begin():
            n = await take_document_number(
                session, numbers.table, jurisdiction="410825", series="巡提", year=2027
            )
            # Hold the lock a little, as a real request writing its letter would.
            await asyncio.sleep(0.005)
            return n

    taken = await asyncio.gather(*(take_slowly() for _ in range(40)))
    assert sorted(taken) == list(range(1, 41))
    assert await numbers.take() == 41


async def test_a_rollback_gives_the_number_back_to_the_waiting_taker(numbers: Numbers) -> None:
    assert await numbers.take() == 1
    async with numbers.maker() as first:
        await first.begin()
        assert (
            await take_document_number(
                first, numbers.table, jurisdiction="410825", series="巡提", year=2027
            )
            == 2
        )
        waiting = asyncio.create_task(numbers.take())
        await asyncio.sleep(0.3)
        assert not waiting.done(), "the second taker must wait for the first transaction"
        await first.rollback()
        assert await asyncio.wait_for(waiting, 10) == 2
    assert await numbers.take() == 3


async def test_series_years_and_jurisdictions_count_separately(numbers: Numbers) -> None:
    assert [await numbers.take() for _ in range(3)] == [1, 2, 3]
    assert await numbers.take(series="巡建") == 1
    assert await numbers.take(year=2028) == 1
    assert await numbers.take(jurisdiction="410883") == 1
    assert await numbers.take(series="巡建") == 2
    assert await numbers.take() == 4


@pytest.mark.parametrize(
    ("jurisdiction", "series", "year"),
    [
        ("", "巡提", 2027),
        ("410825", "", 2027),
        ("410825", "巡" * 33, 2027),
        ("410825", "巡提", 20270),
    ],
)
async def test_nonsense_is_refused_before_the_database(
    numbers: Numbers, jurisdiction: str, series: str, year: int
) -> None:
    with pytest.raises(ValueError):
        await numbers.take(jurisdiction=jurisdiction, series=series, year=year)

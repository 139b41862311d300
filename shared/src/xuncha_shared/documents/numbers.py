"""Document numbers (文号): one gapless counter per jurisdiction, series and year.

The counter is a row taken with ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in the
caller's transaction: the row lock it takes serialises concurrent takers until that
transaction ends, so two letters never share a number, and a rollback hands the number
back (the next taker gets it), so the sequence has no gaps.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, String, Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

MIN_YEAR, MAX_YEAR = 1900, 9999
MAX_SERIES_LENGTH = 32


def document_numbers_table(metadata: MetaData) -> Table:
    """``<schema>.document_numbers``: the last number given out per jurisdiction, series
    (e.g. 巡提, 巡建, 巡督) and year."""
    return Table(
        "document_numbers",
        metadata,
        Column("jurisdiction", String(32), nullable=False),
        Column("series", String(MAX_SERIES_LENGTH), nullable=False),
        Column("year", Integer, nullable=False, autoincrement=False),
        Column("last_number", Integer, nullable=False),
        PrimaryKeyConstraint("jurisdiction", "series", "year", name="pk_document_numbers"),
    )


def _check(jurisdiction: str, series: str, year: int) -> None:
    if not jurisdiction:
        raise ValueError("jurisdiction must not be empty")
    if not series or len(series) > MAX_SERIES_LENGTH:
        raise ValueError(f"series must have 1 to {MAX_SERIES_LENGTH} characters")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}")


async def take_document_number(
    session: AsyncSession, table: Table, *, jurisdiction: str, series: str, year: int
) -> int:
    """The next number of ``series`` in ``year`` for ``jurisdiction`` (1 for the first).

    Runs in the caller's transaction and holds the counter's row lock until it ends:
    take the number late in the transaction (after validation) so the lock is short.
    Concurrent takers wait and get consecutive numbers; a rollback returns the number.
    """
    _check(jurisdiction, series, year)
    stmt = insert(table).values(jurisdiction=jurisdiction, series=series, year=year, last_number=1)
    upsert = stmt.on_conflict_do_update(
        index_elements=[table.c.jurisdiction, table.c.series, table.c.year],
        set_={"last_number": table.c.last_number + 1},
    ).returning(table.c.last_number)
    number = (await session.execute(upsert)).scalar_one()
    return int(number)


def format_document_number(*, issuer_short: str, series: str, year: int, number: int) -> str:
    """A 文号 as GB/T 9704-2012 writes it: issuer's short name, series, the year in
    tortoise-shell brackets 〔〕 and the number without leading zeros, e.g. 温巡提〔2027〕3号."""
    if number < 1:
        raise ValueError("number must be positive")
    return f"{issuer_short}{series}〔{year}〕{number}号"

"""The holiday calendar's SQL."""

from __future__ import annotations

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.calendar import load_calendar
from xuncha_shared.workdays import WorkdayCalendar

from planning.calendar.models import CalendarYear


async def lock_calendar_year(session: AsyncSession, jurisdiction: str, year: int) -> None:
    """Serialise writers of one jurisdiction's year until the transaction ends.

    A row lock cannot cover a year that does not exist yet; two office users creating it
    at once would otherwise both pass the "no If-Match needed" check.
    """
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"planning.calendar_years:{jurisdiction}:{year}"},
    )


async def get_calendar_year(
    session: AsyncSession, jurisdiction: str, year: int
) -> CalendarYear | None:
    return await session.get(CalendarYear, (jurisdiction, year), populate_existing=True)


def _calendar_table() -> Table:
    table: Table = CalendarYear.__table__  # type: ignore[attr-defined]
    return table


async def jurisdiction_calendar(session: AsyncSession, jurisdiction: str) -> WorkdayCalendar:
    """The working-day calendar of a jurisdiction: office-entered years, else official."""
    return await load_calendar(session, _calendar_table(), jurisdiction)

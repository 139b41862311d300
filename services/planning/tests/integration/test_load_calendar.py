"""``load_calendar`` over a real PostgreSQL: which data each year is counted with.

Precedence per year: the office's entry for the jurisdiction, else the chinese-calendar
package (whose data ends with 2026), else weekends only. The same rows give the same
calendar from planning's own table and from a consumer's projection. All office years
here are invented test data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from findings.models import CALENDAR as FINDINGS_CALENDAR
from planning.calendar.models import CalendarYear
from planning.calendar.repository import jurisdiction_calendar
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.calendar import apply_calendar_year, load_calendar
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.events.planning import HolidayCalendarPublished
from xuncha_shared.workdays import CalendarBasis, WorkdayCalendar

J = "410825"
OTHER = "410826"
AT = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

# Invented office entries. 2026 deliberately differs from the official 2026 schedule: it
# lists only Mon 2 Mar, so New Year's Day and the official make-up Sunday 4 Jan revert to
# plain weekday/weekend rules, proving an office year replaces the package's whole year.
OFFICE_YEARS = {
    2026: ([date(2026, 3, 2)], []),
    2027: ([date(2027, 1, 1), date(2027, 2, 8)], [date(2027, 2, 20)]),
}


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(database_url, pool_size=1)
    async with create_sessionmaker(engine)() as s:
        yield s
    await engine.dispose()


def published(jurisdiction: str, year: int, version: int) -> HolidayCalendarPublished:
    holidays, workdays = OFFICE_YEARS.get(year, ([date(year, 1, 3)], []))
    return HolidayCalendarPublished(
        jurisdiction=jurisdiction,
        calendar_id=f"{jurisdiction}:{year}",
        year=year,
        holidays=tuple(holidays),
        workdays=tuple(workdays),
        version=version,
    )


async def fill_planning(session: AsyncSession) -> None:
    for year, (holidays, workdays) in OFFICE_YEARS.items():
        session.add(
            CalendarYear(
                jurisdiction=J,
                year=year,
                holidays=holidays,
                workdays=workdays,
                updated_at=AT,
                updated_by="office-user",
            )
        )
    session.add(
        CalendarYear(
            jurisdiction=OTHER,
            year=2028,
            holidays=[date(2028, 1, 3)],
            workdays=[],
            updated_at=AT,
            updated_by="other-office",
        )
    )
    await session.flush()


async def fill_projection(session: AsyncSession, table: Table) -> None:
    for year in OFFICE_YEARS:
        await apply_calendar_year(session, table, published(J, year, 1), at=AT)
    await apply_calendar_year(session, table, published(OTHER, 2028, 1), at=AT)


def check_precedence(calendar: WorkdayCalendar) -> None:
    # Office years win, even over the package's own data for 2026.
    assert calendar.basis_for(2026) is CalendarBasis.OFFICE
    assert calendar.is_workday(date(2026, 1, 1)), "official holiday, not in the office's year"
    assert not calendar.is_workday(date(2026, 1, 4)), "official make-up Sunday, not listed"
    assert not calendar.is_workday(date(2026, 3, 2))
    assert calendar.basis_for(2027) is CalendarBasis.OFFICE
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 2, 20))
    # Years without an entry: the package where it knows the year ...
    assert calendar.basis_for(2025) is CalendarBasis.OFFICIAL
    assert not calendar.is_workday(date(2025, 1, 1))
    # ... else weekends only; another jurisdiction's 2028 does not leak in.
    assert calendar.basis_for(2028) is CalendarBasis.WEEKENDS_ONLY
    assert calendar.is_workday(date(2028, 1, 3))
    deadline = calendar.add_workdays(date(2027, 12, 30), 3)
    assert deadline.approximate and deadline.weekends_only_years == (2028,)


async def test_planning_table_office_then_official_then_weekends(session: AsyncSession) -> None:
    empty = await jurisdiction_calendar(session, J)
    assert empty.basis_for(2026) is CalendarBasis.OFFICIAL
    assert empty.basis_for(2027) is CalendarBasis.WEEKENDS_ONLY
    assert not empty.is_workday(date(2026, 1, 1))

    await fill_planning(session)
    check_precedence(await jurisdiction_calendar(session, J))
    other = await jurisdiction_calendar(session, OTHER)
    assert other.basis_for(2028) is CalendarBasis.OFFICE
    assert other.basis_for(2027) is CalendarBasis.WEEKENDS_ONLY


async def test_projection_gives_the_same_calendar_and_keeps_the_newest_version(
    session: AsyncSession,
) -> None:
    await fill_projection(session, FINDINGS_CALENDAR)
    check_precedence(await load_calendar(session, FINDINGS_CALENDAR, J))

    # Version 2 of 2027 moves the holiday; a late version 1 does not bring it back.
    newer = HolidayCalendarPublished(
        jurisdiction=J,
        calendar_id=f"{J}:2027",
        year=2027,
        holidays=(date(2027, 1, 1), date(2027, 2, 9)),
        workdays=(),
        version=2,
    )
    await apply_calendar_year(session, FINDINGS_CALENDAR, newer, at=AT)
    await apply_calendar_year(session, FINDINGS_CALENDAR, published(J, 2027, 1), at=AT)
    calendar = await load_calendar(session, FINDINGS_CALENDAR, J)
    assert calendar.is_workday(date(2027, 2, 8)) and not calendar.is_workday(date(2027, 2, 9))
    assert not calendar.is_workday(date(2027, 2, 20)), "the make-up Saturday went with v1"


async def test_a_published_year_that_breaks_the_rules_is_refused(session: AsyncSession) -> None:
    # The catalog cannot check cross-field rules; the projection must not store a year that
    # would make load_calendar fail for the whole jurisdiction.
    stray = HolidayCalendarPublished(
        jurisdiction=J,
        calendar_id=f"{J}:2027",
        year=2027,
        holidays=(date(2028, 1, 1),),
        workdays=(),
        version=1,
    )
    with pytest.raises(ValueError, match="2028-01-01"):
        await apply_calendar_year(session, FINDINGS_CALENDAR, stray, at=AT)

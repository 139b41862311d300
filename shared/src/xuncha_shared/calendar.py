"""The office-editable holiday calendar, as every service keeps and reads it.

Planning owns the calendar (``planning.calendar_years``, edited over REST) and publishes
each saved year as :class:`~xuncha_shared.events.planning.HolidayCalendarPublished`. The
other services keep a projection of it with the same columns, so deadlines ("N working
days") are computed from one local query wherever the deadline is owned, with no call to
planning. :func:`load_calendar` reads either table into a
:class:`~xuncha_shared.workdays.WorkdayCalendar`: an office-entered year replaces the
package's data for that year, and a year nobody knows is counted weekends-only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.planning import HolidayCalendarPublished
from xuncha_shared.workdays import WorkdayCalendar, YearCalendar

__all__ = [
    "apply_calendar_year",
    "calendar_projection_table",
    "load_calendar",
    "register_calendar_projection",
]


def calendar_projection_table(metadata: MetaData) -> Table:
    """``<schema>.calendar_years``: one row per jurisdiction and year the office entered,
    with the version last applied."""
    return Table(
        "calendar_years",
        metadata,
        Column("jurisdiction", String(32), nullable=False),
        Column("year", Integer, nullable=False, autoincrement=False),
        Column("holidays", ARRAY(Date), nullable=False),
        Column("workdays", ARRAY(Date), nullable=False),
        Column("version", Integer, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("jurisdiction", "year", name="pk_calendar_years"),
    )


async def apply_calendar_year(
    session: AsyncSession, table: Table, event: HolidayCalendarPublished, *, at: datetime
) -> None:
    """Upsert the published year unless a newer version is already there.

    The dates go through :class:`YearCalendar` first: a year that would make
    :func:`load_calendar` fail for the whole jurisdiction must not reach the table, so
    such an event fails here (and ends on the dead-letter topic) instead.
    """
    year = YearCalendar(
        year=event.year, holidays=frozenset(event.holidays), workdays=frozenset(event.workdays)
    )
    values = {
        "jurisdiction": event.jurisdiction,
        "year": year.year,
        "holidays": sorted(year.holidays),
        "workdays": sorted(year.workdays),
        "version": event.version,
        "updated_at": at,
    }
    stmt = insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.jurisdiction, table.c.year],
        set_={k: stmt.excluded[k] for k in ("holidays", "workdays", "version", "updated_at")},
        where=table.c.version < stmt.excluded.version,
    )
    await session.execute(stmt)


def register_calendar_projection(handlers: HandlerRegistry, table: Table) -> None:
    """Make ``handlers`` keep ``table`` in step with planning's holiday calendar."""

    async def on_holiday_calendar_published(
        session: AsyncSession, event: HolidayCalendarPublished, meta: EventMeta
    ) -> None:
        """Project a year of the holiday calendar published in planning."""
        await apply_calendar_year(session, table, event, at=meta.time)

    handlers.register(HolidayCalendarPublished, on_holiday_calendar_published)


def calendar_from_years(years: dict[int, tuple[list[date], list[date]]]) -> WorkdayCalendar:
    """A calendar from office-entered ``{year: (holidays, workdays)}``; the other years
    fall back to the package data, then to weekends only."""
    return WorkdayCalendar(
        {
            year: YearCalendar(year=year, holidays=frozenset(off), workdays=frozenset(on))
            for year, (off, on) in years.items()
        }
    )


async def load_calendar(session: AsyncSession, table: Table, jurisdiction: str) -> WorkdayCalendar:
    """The working-day calendar of ``jurisdiction`` from a ``calendar_years`` table.

    ``table`` is planning's own table or a service's projection: both have
    ``jurisdiction``, ``year``, ``holidays`` and ``workdays``.
    """
    rows = await session.execute(
        select(table.c.year, table.c.holidays, table.c.workdays).where(
            table.c.jurisdiction == jurisdiction
        )
    )
    return calendar_from_years({int(year): (list(off), list(on)) for year, off, on in rows})

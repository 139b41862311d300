"""The holiday calendar's domain operations (节假日安排). Keyword-only arguments; they
flush, never commit.

An office enters a whole year at a time; it replaces the chinese-calendar package's data
for that year in every deadline of the jurisdiction, and is published so that the other
services count the same working days.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.planning import HolidayCalendarPublished
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import (
    FieldError,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
)
from xuncha_shared.workdays import CalendarBasis, Deadline, YearCalendar

from planning.calendar import repository
from planning.calendar.models import CalendarYear
from planning.calendar.schemas import CalendarYearRead, CalendarYearUpdate


def office_year_read(row: CalendarYear) -> CalendarYearRead:
    """An office-entered year as the API shows it."""
    return CalendarYearRead(
        jurisdiction=row.jurisdiction,
        year=row.year,
        basis=CalendarBasis.OFFICE,
        holidays=sorted(row.holidays),
        workdays=sorted(row.workdays),
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


async def read_calendar_year(
    session: AsyncSession, *, jurisdiction: str, year: int
) -> CalendarYearRead:
    """A year as deadlines of ``jurisdiction`` count it: the office's entry, else the
    official schedule, else weekends only with a note saying so."""
    row = await repository.get_calendar_year(session, jurisdiction, year)
    if row is not None:
        return office_year_read(row)
    try:
        official = YearCalendar.from_official(year)
    except ValueError:
        return CalendarYearRead(
            jurisdiction=jurisdiction,
            year=year,
            basis=CalendarBasis.WEEKENDS_ONLY,
            holidays=[],
            workdays=[],
            note_zh=f"{year}年节假日安排尚未录入，期限暂按仅周末休息计算；请巡察办录入",
            note_en=f"No public holiday schedule is known for {year}; deadlines count only "
            f"Saturdays and Sundays as days off until the office enters the year.",
        )
    return CalendarYearRead(
        jurisdiction=jurisdiction,
        year=year,
        basis=CalendarBasis.OFFICIAL,
        holidays=sorted(official.holidays),
        workdays=sorted(official.workdays),
    )


async def save_calendar_year(
    session: AsyncSession,
    *,
    year: int,
    data: CalendarYearUpdate,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[CalendarYear, bool]:
    """Create or replace the office's calendar for ``year`` and emit
    ``holiday_calendar.published``. Returns the row and whether it was created.

    Replacing an entered year needs the version read (``If-Match``); saving the same days
    again changes nothing and emits nothing.
    """
    calendar = _year_calendar(year, data)
    jurisdiction = actor.jurisdiction
    await repository.lock_calendar_year(session, jurisdiction, year)
    row = await repository.get_calendar_year(session, jurisdiction, year)
    holidays, workdays = sorted(calendar.holidays), sorted(calendar.workdays)
    if row is None:
        if expected_version is not None:
            # The caller read a version that is not there: it edits something that
            # does not exist (another jurisdiction's year, or a wrong URL).
            raise PreconditionFailed(
                f"{year}年节假日安排尚未录入，不能按版本修改",
                f"No calendar has been entered for {year}; send no If-Match to create it",
                field="If-Match",
            )
        row = CalendarYear(
            jurisdiction=jurisdiction,
            year=year,
            holidays=holidays,
            workdays=workdays,
            updated_at=now,
            updated_by=actor.subject,
        )
        session.add(row)
        created = True
    else:
        if expected_version is None:
            raise PreconditionRequired(
                f"{year}年节假日安排已录入，修改须带 If-Match 请求头（上次读取的 ETag）",
                f"The {year} calendar exists; replacing it needs If-Match with the ETag you read",
                field="If-Match",
            )
        check_version(row.version, expected_version)
        if sorted(row.holidays) == holidays and sorted(row.workdays) == workdays:
            return row, False
        row.holidays, row.workdays = holidays, workdays
        row.version += 1
        row.updated_at, row.updated_by = now, actor.subject
        created = False
    await session.flush()
    await emit(
        session,
        HolidayCalendarPublished(
            jurisdiction=jurisdiction,
            calendar_id=f"{jurisdiction}:{year}",
            year=year,
            holidays=tuple(holidays),
            workdays=tuple(workdays),
            version=row.version,
        ),
    )
    return row, created


def _year_calendar(year: int, data: CalendarYearUpdate) -> YearCalendar:
    try:
        return YearCalendar(
            year=year, holidays=frozenset(data.holidays), workdays=frozenset(data.workdays)
        )
    except ValidationError as exc:
        raise _calendar_problem(year, data, exc) from exc


def _calendar_problem(year: int, data: CalendarYearUpdate, exc: ValidationError) -> Unprocessable:
    # YearCalendar is the rule; this only points at the offending entries, in the dotted
    # paths FastAPI uses for the same body's type errors.
    errors = [
        FieldError(
            field=f"{name}.{i}",
            code="date-outside-year",
            message_zh=f"{d.isoformat()} 不在{year}年内",
            message_en=f"{d.isoformat()} is not in {year}",
        )
        for name, days in (("holidays", data.holidays), ("workdays", data.workdays))
        for i, d in enumerate(days)
        if d.year != year
    ]
    holidays = set(data.holidays)
    errors += [
        FieldError(
            field=f"workdays.{i}",
            code="date-in-both-lists",
            message_zh=f"{d.isoformat()} 不能既是节假日又是调休上班日",
            message_en=f"{d.isoformat()} cannot be both a holiday and a make-up working day",
        )
        for i, d in enumerate(data.workdays)
        if d in holidays and d.year == year
    ]
    if not errors:
        errors = [
            FieldError(
                field="holidays",
                code="invalid-calendar",
                message_zh="节假日安排无效",
                message_en=str(exc.errors()[0]["msg"]) if exc.errors() else "Invalid calendar",
            )
        ]
    first = errors[0]
    return Unprocessable(
        f"节假日安排有误：{first.message_zh}",
        f"Invalid holiday calendar: {first.message_en}",
        field=first.field,
        code=first.code,
        errors=errors,
    )


async def compute_deadline(
    session: AsyncSession, *, jurisdiction: str, start: date, days: int
) -> Deadline:
    """The ``days``-th working day after ``start`` in the jurisdiction's calendar."""
    calendar = await repository.jurisdiction_calendar(session, jurisdiction)
    try:
        return calendar.add_workdays(start, days)
    except ValueError as exc:
        raise Unprocessable(
            "截止日期超出可计算的范围",
            "The deadline is beyond the dates that can be computed",
            field="days",
            code="deadline-out-of-range",
        ) from exc

"""Consultation deadlines in the jurisdiction's working days (ARCHITECTURE.md, "Deadlines"):
a request is due at the end of its due day in Beijing, and the reminder comes at the start
of a working day before it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from xuncha_shared.workdays import SHANGHAI, WorkdayCalendar


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in Beijing (in UTC, as it reads back from the database):
    the whole due day is still in time."""
    return datetime.combine(day, time.max, tzinfo=SHANGHAI).astimezone(UTC)


def remind_at(
    calendar: WorkdayCalendar, due_on: date, workdays_before: int, *, sent_at: datetime
) -> datetime | None:
    """The start of the working day ``workdays_before`` working days before the due day;
    None when no reminder is wanted or that moment is not after sending."""
    if workdays_before <= 0:
        return None
    day, counted = due_on, 0
    while counted < workdays_before:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    moment = datetime.combine(day, time.min, tzinfo=SHANGHAI).astimezone(UTC)
    return moment if moment > sent_at else None

"""Deadline arithmetic in Chinese working days (工作日).

Inspection rules are phrased as "within N working days" (clue transfer, rectification
plans, consultation replies, ...). A working day in mainland China is Monday to Friday,
except official public holidays, plus the make-up working days (调休上班) that the State
Council announces each year, usually on weekends.

Where the day-off data comes from, per year, in order of precedence:

1. ``office``: a :class:`YearCalendar` the inspection office entered. It *replaces* the
   package data for that year, so the office can correct it or add a year the package
   does not know yet. Start from :meth:`YearCalendar.from_official` to correct one day.
2. ``official``: the ``chinese-calendar`` package (its data ends with the last year the
   State Council had announced when the installed version was released).
3. ``weekends_only``: nothing known for that year, so only Saturdays and Sundays are off.
   Deadlines that relied on such a year are marked approximate and carry a note saying
   which years, because a real holiday week could move the due date by a week or more.
"""

from __future__ import annotations

import bisect
import enum
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Self
from zoneinfo import ZoneInfo

# chinese-calendar ships without type information; the unused-ignore code keeps this line
# clean whether or not the mypy configuration already sets ignore_missing_imports.
import chinese_calendar  # type: ignore[import-untyped, unused-ignore]
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "SHANGHAI",
    "CalendarBasis",
    "Deadline",
    "WorkdayCalendar",
    "YearCalendar",
    "deadline_at",
    "local_day",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""China Standard Time; every office works on it, so it is the default for deadlines."""


def local_day(moment: datetime) -> date:
    """The day ``moment`` falls on in Beijing time: an office's "today" and a deadline's day."""
    return moment.astimezone(SHANGHAI).date()


class CalendarBasis(enum.StrEnum):
    """Where the working-day data for a year came from."""

    OFFICIAL = "official"
    OFFICE = "office"
    WEEKENDS_ONLY = "weekends_only"


class YearCalendar(BaseModel):
    """One year's days off and make-up working days, as the office edits it.

    ``holidays`` are official days off; they may fall on weekdays or on weekends (listing
    weekend days of a holiday week is harmless). ``workdays`` are make-up working days
    (调休上班), usually Saturdays or Sundays. Any other day is a working day exactly when it
    is Monday to Friday.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(ge=date.min.year, le=date.max.year)
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @model_validator(mode="after")
    def _check_dates(self) -> Self:
        # A date from another year would silently never be consulted (lookups go by the
        # date's own year), so the office would believe a day off was recorded when it
        # was not.
        stray = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if stray:
            listed = ", ".join(d.isoformat() for d in stray)
            raise ValueError(
                f"YearCalendar {self.year}: dates outside {self.year}: {listed} "
                f"(日期不属于{self.year}年)"
            )
        both = sorted(self.holidays & self.workdays)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(
                f"YearCalendar {self.year}: {listed} listed both as holiday and as make-up "
                f"working day (同一日期不能既是节假日又是调休上班日)"
            )
        return self

    @classmethod
    def from_official(cls, year: int) -> YearCalendar:
        """Return the chinese-calendar package's data for ``year`` as an editable calendar.

        Because an office calendar replaces the package data for its whole year, this is
        the starting point for correcting a single day.

        Raises:
            ValueError: the package has no data for ``year``.
        """
        data = _official_data().get(year)
        if data is None:
            raise ValueError(f"chinese-calendar has no holiday data for {year}")
        holidays, workdays = data
        return cls(year=year, holidays=holidays, workdays=workdays)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed due date and what it was computed from.

    ``weekends_only_years`` lists the years (sorted) whose days were counted without any
    holiday data; it is non-empty exactly when ``bases`` contains ``weekends_only``.
    """

    due: date
    bases: frozenset[CalendarBasis]
    weekends_only_years: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        years = tuple(sorted(set(self.weekends_only_years)))
        # Normalised so that equal deadlines compare equal however the years were listed.
        object.__setattr__(self, "weekends_only_years", years)
        if bool(years) != (CalendarBasis.WEEKENDS_ONLY in self.bases):
            raise ValueError(
                "weekends_only_years must be given exactly when bases contains weekends_only"
            )

    @property
    def approximate(self) -> bool:
        """True when some year in the computation had no holiday data at all."""
        return CalendarBasis.WEEKENDS_ONLY in self.bases

    @property
    def note_zh(self) -> str | None:
        """Chinese note for the user when the deadline is approximate, else None."""
        if not self.approximate:
            return None
        years = "、".join(f"{y}年" for y in self.weekends_only_years)
        return f"{years}节假日安排尚未录入，按仅周末休息计算"

    @property
    def note_en(self) -> str | None:
        """English note for the user when the deadline is approximate, else None."""
        if not self.approximate:
            return None
        names = [str(y) for y in self.weekends_only_years]
        years = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return (
            f"No public holiday schedule has been entered for {years}; the deadline was "
            f"computed treating only Saturdays and Sundays as days off."
        )


@dataclass(frozen=True, slots=True)
class _YearIndex:
    """Working days of one year as sorted day ordinals, for bisect-based arithmetic."""

    basis: CalendarBasis
    ordinals: tuple[int, ...]
    members: frozenset[int]


def _build_index(
    year: int, basis: CalendarBasis, holidays: Iterable[date], workdays: Iterable[date]
) -> _YearIndex:
    off = {d.toordinal() for d in holidays}
    on = {d.toordinal() for d in workdays}
    first = date(year, 1, 1).toordinal()
    last = date(year, 12, 31).toordinal()
    # Ordinal 1 (0001-01-01) is a Monday, so (ordinal - 1) % 7 is date.weekday().
    ordinals = tuple(
        o for o in range(first, last + 1) if o in on or ((o - 1) % 7 < 5 and o not in off)
    )
    return _YearIndex(basis=basis, ordinals=ordinals, members=frozenset(ordinals))


@functools.cache
def _official_data() -> dict[int, tuple[frozenset[date], frozenset[date]]]:
    """The package's holidays and make-up days grouped by year, read once per process."""
    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    for d in chinese_calendar.holidays:
        holidays.setdefault(d.year, set()).add(d)
    for d in chinese_calendar.workdays:
        workdays.setdefault(d.year, set()).add(d)
    # A year counts as covered when the package lists any holiday in it: every announced
    # year has at least New Year's Day and the Spring Festival.
    return {y: (frozenset(days), frozenset(workdays.get(y, set()))) for y, days in holidays.items()}


@functools.cache
def _package_index(year: int) -> _YearIndex:
    # Shared by every WorkdayCalendar: the package data never changes in a process, so a
    # scan over hundreds of organisations builds each year at most once.
    data = _official_data().get(year)
    if data is None:
        return _build_index(year, CalendarBasis.WEEKENDS_ONLY, (), ())
    return _build_index(year, CalendarBasis.OFFICIAL, data[0], data[1])


def _reject_datetime(d: date) -> None:
    # datetime is a subclass of date; silently using its date part would take the day in
    # whatever zone the datetime happens to be in, which is wrong near midnight.
    if isinstance(d, datetime):
        raise TypeError("expected a date, got a datetime; use deadline_at() for datetimes")


class WorkdayCalendar:
    """Working-day arithmetic over official, office-entered and unknown years."""

    def __init__(self, office_years: Mapping[int, YearCalendar] | None = None) -> None:
        """Create a calendar; ``office_years`` maps a year to the office's YearCalendar.

        Raises:
            ValueError: a mapping key differs from its calendar's ``year``.
        """
        self._office: dict[int, _YearIndex] = {}
        for year, cal in (office_years or {}).items():
            if cal.year != year:
                raise ValueError(f"office_years[{year}] holds the calendar for {cal.year}")
            self._office[year] = _build_index(
                year, CalendarBasis.OFFICE, cal.holidays, cal.workdays
            )

    def _index(self, year: int) -> _YearIndex:
        office = self._office.get(year)
        return office if office is not None else _package_index(year)

    def basis_for(self, year: int) -> CalendarBasis:
        """Return where the working-day data for ``year`` comes from."""
        if year in self._office:
            return CalendarBasis.OFFICE
        if year in _official_data():
            return CalendarBasis.OFFICIAL
        return CalendarBasis.WEEKENDS_ONLY

    def is_workday(self, d: date) -> bool:
        """Return True when ``d`` is a working day."""
        _reject_datetime(d)
        return d.toordinal() in self._index(d.year).members

    def next_workday(self, d: date) -> date:
        """Return the first working day strictly after ``d``."""
        _reject_datetime(d)
        return self._nth_after(d, 1)

    def add_workdays(self, start: date, n: int) -> Deadline:
        """Return the ``n``-th working day strictly after ``start``.

        The start day itself never counts (a clue received on Monday with a 1-day limit is
        due on Tuesday). ``n == 0`` returns ``start`` when it is a working day, otherwise
        the next working day.

        Raises:
            ValueError: ``n`` is negative, or the result would be after year 9999.
        """
        _reject_datetime(start)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:
            due = start if self.is_workday(start) else self._nth_after(start, 1)
            first_year = start.year
        else:
            due = self._nth_after(start, n)
            # Only days after start were looked at; if start is 31 December its own year
            # contributed nothing and must not make the deadline look approximate.
            first_year = start.year if (start.month, start.day) != (12, 31) else start.year + 1
        return self._deadline(due, range(first_year, due.year + 1))

    def workdays_between(self, start: date, end: date) -> int:
        """Count working days in ``(start, end]``; negative when ``end`` is before ``start``.

        ``workdays_between(d, calendar.add_workdays(d, n).due) == n`` for every ``n >= 1``.
        """
        _reject_datetime(start)
        _reject_datetime(end)
        if end < start:
            return -self.workdays_between(end, start)
        lo, hi = start.toordinal(), end.toordinal()
        total = 0
        for year in range(start.year, end.year + 1):
            ordinals = self._index(year).ordinals
            total += bisect.bisect_right(ordinals, hi) - bisect.bisect_right(ordinals, lo)
        return total

    def _nth_after(self, start: date, n: int) -> date:
        # Jump year by year with bisect instead of stepping day by day, so n in the
        # hundreds costs a few index lookups, not hundreds of date checks.
        year = start.year
        ordinals = self._index(year).ordinals
        pos = bisect.bisect_right(ordinals, start.toordinal())
        remaining = n
        while remaining > len(ordinals) - pos:
            remaining -= len(ordinals) - pos
            year += 1
            if year > date.max.year:
                raise ValueError(f"{n} working days after {start} is beyond year {date.max.year}")
            ordinals = self._index(year).ordinals
            pos = 0
        return date.fromordinal(ordinals[pos + remaining - 1])

    def _deadline(self, due: date, years: range) -> Deadline:
        by_year = {y: self._index(y).basis for y in years}
        weekends_only = tuple(y for y, b in by_year.items() if b is CalendarBasis.WEEKENDS_ONLY)
        return Deadline(
            due=due, bases=frozenset(by_year.values()), weekends_only_years=weekends_only
        )


def deadline_at(
    start: datetime, n: int, calendar: WorkdayCalendar, tz: ZoneInfo = SHANGHAI
) -> datetime:
    """Return the end of the ``n``-th working day after ``start``, as an aware datetime.

    ``start`` is converted to ``tz`` first, so that a document received at 01:00 Beijing
    time counts from that Beijing day even if it was stored in UTC. The result is
    23:59:59.999999 local time on the due day: the whole due day is still in time.

    Raises:
        ValueError: ``start`` is naive, or ``n`` is negative.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    due = calendar.add_workdays(start.astimezone(tz).date(), n).due
    return datetime.combine(due, time.max, tzinfo=tz)

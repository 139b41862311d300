"""Unit tests for xuncha_shared.workdays (no database, no network).

Calendar facts for 2025 and 2026 come from the chinese-calendar package (v1.11) and are
cross-checked against it, so a wrong assumption here fails loudly instead of silently.
Every 2027 office calendar below is invented test data, not the real 2027 schedule.
"""

from __future__ import annotations

import dataclasses
import random
import time as time_module
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from xuncha_shared import workdays as workdays_module
from xuncha_shared.workdays import (
    SHANGHAI,
    CalendarBasis,
    Deadline,
    WorkdayCalendar,
    YearCalendar,
    deadline_at,
)

OFFICIAL = CalendarBasis.OFFICIAL
OFFICE = CalendarBasis.OFFICE
WEEKENDS_ONLY = CalendarBasis.WEEKENDS_ONLY


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# Invented 2027 office calendar: New Year's Day (Fri 1 Jan), a Spring Festival week
# Sat 6 Feb .. Sun 14 Feb, and a make-up working Saturday 20 Feb.
OFFICE_2027 = YearCalendar(
    year=2027,
    holidays=frozenset([date(2027, 1, 1), *_days(date(2027, 2, 6), date(2027, 2, 14))]),
    workdays=frozenset([date(2027, 2, 20)]),
)


@pytest.fixture
def official() -> WorkdayCalendar:
    return WorkdayCalendar()


@pytest.fixture
def with_2027() -> WorkdayCalendar:
    return WorkdayCalendar({2027: OFFICE_2027})


def _reference_add(cal: WorkdayCalendar, start: date, n: int) -> date:
    """Day-by-day reference implementation of add_workdays (slow but obviously right)."""
    d = start
    if n == 0:
        while not cal.is_workday(d):
            d += timedelta(days=1)
        return d
    while n:
        d += timedelta(days=1)
        if cal.is_workday(d):
            n -= 1
    return d


# --- official data from the package -------------------------------------------------


def test_package_facts_this_suite_relies_on() -> None:
    # Guard: if a future chinese-calendar release changes these, the tests below need
    # revisiting rather than silently asserting something else.
    assert all(chinese_calendar.is_holiday(d) for d in _days(date(2025, 10, 1), date(2025, 10, 8)))
    assert chinese_calendar.is_workday(date(2025, 9, 28))
    assert chinese_calendar.is_workday(date(2025, 10, 11))
    spring_2026 = _days(date(2026, 2, 15), date(2026, 2, 23))
    assert all(chinese_calendar.is_holiday(d) for d in spring_2026)
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    assert chinese_calendar.is_workday(date(2026, 2, 28))
    assert max(d.year for d in chinese_calendar.holidays) == 2026


def test_national_day_2025(official: WorkdayCalendar) -> None:
    for d in _days(date(2025, 10, 1), date(2025, 10, 8)):
        assert not official.is_workday(d), d
    assert official.is_workday(date(2025, 9, 30))
    assert official.is_workday(date(2025, 10, 9))
    # Make-up working days: Sunday 28 September and Saturday 11 October.
    assert date(2025, 9, 28).weekday() == 6
    assert date(2025, 10, 11).weekday() == 5
    assert official.is_workday(date(2025, 9, 28))
    assert official.is_workday(date(2025, 10, 11))
    # An ordinary weekend right after is still off.
    assert not official.is_workday(date(2025, 10, 12))


def test_spring_festival_2026(official: WorkdayCalendar) -> None:
    for d in _days(date(2026, 2, 15), date(2026, 2, 23)):
        assert not official.is_workday(d), d
    assert official.is_workday(date(2026, 2, 14))  # Saturday, make-up
    assert official.is_workday(date(2026, 2, 28))  # Saturday, make-up
    assert official.is_workday(date(2026, 2, 24))
    assert official.basis_for(2026) is OFFICIAL
    assert official.basis_for(2004) is OFFICIAL


def test_matches_package_for_every_day_it_covers(official: WorkdayCalendar) -> None:
    for d in _days(date(2004, 1, 1), date(2026, 12, 31)):
        assert official.is_workday(d) == chinese_calendar.is_workday(d), d


# --- add_workdays ---------------------------------------------------------------------


def test_deadline_crossing_national_day_week(official: WorkdayCalendar) -> None:
    # Tue 30 Sep + 5: Thu 9, Fri 10, Sat 11 (make-up), Mon 13, Tue 14 October.
    deadline = official.add_workdays(date(2025, 9, 30), 5)
    assert deadline.due == date(2025, 10, 14)
    assert deadline.bases == frozenset({OFFICIAL})
    assert not deadline.approximate
    assert deadline.note_zh is None
    assert deadline.note_en is None
    # Fri 26 Sep + 1 lands on the make-up Sunday.
    assert official.add_workdays(date(2025, 9, 26), 1).due == date(2025, 9, 28)
    # Starting inside the holiday week: the first working day is 9 October.
    assert official.add_workdays(date(2025, 10, 3), 1).due == date(2025, 10, 9)


def test_deadline_crossing_spring_festival_2026(official: WorkdayCalendar) -> None:
    # Thu 12 Feb + 3: Fri 13, Sat 14 (make-up), then the holiday until Mon 23, Tue 24.
    assert official.add_workdays(date(2026, 2, 12), 3).due == date(2026, 2, 24)
    assert official.add_workdays(date(2026, 2, 13), 1).due == date(2026, 2, 14)
    assert official.next_workday(date(2026, 2, 14)) == date(2026, 2, 24)


def test_zero_working_days(official: WorkdayCalendar) -> None:
    # A working day is its own 0-day deadline; a day off rolls forward.
    assert official.add_workdays(date(2025, 9, 30), 0).due == date(2025, 9, 30)
    assert official.add_workdays(date(2025, 10, 1), 0).due == date(2025, 10, 9)
    assert official.add_workdays(date(2025, 9, 28), 0).due == date(2025, 9, 28)
    assert official.add_workdays(date(2025, 9, 27), 0).due == date(2025, 9, 28)


def test_negative_working_days_rejected(official: WorkdayCalendar) -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        official.add_workdays(date(2025, 9, 30), -1)


def test_start_day_never_counts(official: WorkdayCalendar) -> None:
    assert official.add_workdays(date(2025, 9, 29), 1).due == date(2025, 9, 30)
    assert official.next_workday(date(2025, 9, 29)) == date(2025, 9, 30)


def test_add_workdays_matches_day_by_day_reference(with_2027: WorkdayCalendar) -> None:
    rng = random.Random(20251001)
    first = date(2024, 1, 1).toordinal()
    last = date(2028, 12, 31).toordinal()
    for _ in range(400):
        start = date.fromordinal(rng.randint(first, last))
        n = rng.choice([0, 1, 2, 5, 10, 15, 30, 60, rng.randint(0, 400)])
        assert with_2027.add_workdays(start, n).due == _reference_add(with_2027, start, n), (
            start,
            n,
        )


def test_long_deadline_spanning_several_years(official: WorkdayCalendar) -> None:
    deadline = official.add_workdays(date(2026, 6, 1), 600)
    assert deadline.due == _reference_add(official, date(2026, 6, 1), 600)
    assert deadline.due.year == 2028
    assert deadline.bases == frozenset({OFFICIAL, WEEKENDS_ONLY})
    assert deadline.weekends_only_years == (2027, 2028)


# --- office calendars and missing data -------------------------------------------------


def test_office_calendar_2027(with_2027: WorkdayCalendar) -> None:
    assert with_2027.basis_for(2027) is OFFICE
    assert not with_2027.is_workday(date(2027, 1, 1))
    assert with_2027.is_workday(date(2027, 2, 20))  # make-up Saturday
    # Thu 4 Feb + 3: Fri 5, then the holiday until Sun 14, Mon 15, Tue 16.
    deadline = with_2027.add_workdays(date(2027, 2, 4), 3)
    assert deadline.due == date(2027, 2, 16)
    assert deadline.bases == frozenset({OFFICE})
    assert not deadline.approximate
    assert deadline.note_zh is None
    assert with_2027.next_workday(date(2027, 2, 19)) == date(2027, 2, 20)


def test_2027_without_office_data_is_weekends_only(official: WorkdayCalendar) -> None:
    assert official.basis_for(2027) is WEEKENDS_ONLY
    assert official.is_workday(date(2027, 1, 1))  # Friday; no holiday data
    deadline = official.add_workdays(date(2027, 2, 4), 3)
    assert deadline.due == date(2027, 2, 9)
    assert deadline.approximate


def test_2028_without_data_is_approximate(with_2027: WorkdayCalendar) -> None:
    assert with_2027.basis_for(2028) is WEEKENDS_ONLY
    # Wed 5 Jan 2028 + 5 counting only weekends: Thu 6, Fri 7, Mon 10, Tue 11, Wed 12.
    deadline = with_2027.add_workdays(date(2028, 1, 5), 5)
    assert deadline.due == date(2028, 1, 12)
    assert deadline.bases == frozenset({WEEKENDS_ONLY})
    assert deadline.approximate
    assert deadline.weekends_only_years == (2028,)
    assert deadline.note_zh == "2028年节假日安排尚未录入，按仅周末休息计算"
    assert deadline.note_en is not None
    assert "2028" in deadline.note_en
    assert "Saturdays and Sundays" in deadline.note_en
    # Weekends only really means Saturdays and Sundays are off and nothing else.
    assert not with_2027.is_workday(date(2028, 1, 1))  # Saturday
    assert with_2027.is_workday(date(2028, 1, 3))  # Monday


def test_span_2026_into_office_2027(with_2027: WorkdayCalendar) -> None:
    # Wed 30 Dec 2026 + 3: Thu 31 Dec, (Fri 1 Jan office holiday), Mon 4, Tue 5 Jan.
    deadline = with_2027.add_workdays(date(2026, 12, 30), 3)
    assert deadline.due == date(2027, 1, 5)
    assert deadline.bases == frozenset({OFFICIAL, OFFICE})
    assert not deadline.approximate


def test_span_2026_into_2027_without_data(official: WorkdayCalendar) -> None:
    deadline = official.add_workdays(date(2026, 12, 30), 3)
    assert deadline.due == date(2027, 1, 4)  # 1 Jan counts: no holiday data for 2027
    assert deadline.bases == frozenset({OFFICIAL, WEEKENDS_ONLY})
    assert deadline.approximate
    assert deadline.weekends_only_years == (2027,)
    assert deadline.note_zh == "2027年节假日安排尚未录入，按仅周末休息计算"


def test_span_over_two_unknown_years_names_both(official: WorkdayCalendar) -> None:
    deadline = official.add_workdays(date(2027, 12, 24), 10)
    assert deadline.weekends_only_years == (2027, 2028)
    assert deadline.note_zh == "2027年、2028年节假日安排尚未录入，按仅周末休息计算"
    assert deadline.note_en is not None
    assert "2027 and 2028" in deadline.note_en


def test_bases_only_cover_days_examined(official: WorkdayCalendar) -> None:
    # From 31 Dec 2026 only 2027 days are looked at, so 2026 is not a basis.
    deadline = official.add_workdays(date(2026, 12, 31), 1)
    assert deadline.due == date(2027, 1, 1)
    assert deadline.bases == frozenset({WEEKENDS_ONLY})
    # n == 0 on a working day looks only at that day.
    assert official.add_workdays(date(2026, 12, 31), 0).bases == frozenset({OFFICIAL})
    # A start in an unknown year does not matter when every counted day is known.
    assert official.add_workdays(date(2003, 12, 31), 1).bases == frozenset({OFFICIAL})
    assert official.basis_for(2003) is WEEKENDS_ONLY


def test_office_overrides_one_2026_day() -> None:
    official = WorkdayCalendar()
    base = YearCalendar.from_official(2026)
    # The office does not work the make-up Saturday 10 October and closes on 31 December.
    corrected = base.model_copy(
        update={
            "workdays": base.workdays - {date(2026, 10, 10)},
            "holidays": base.holidays | {date(2026, 12, 31)},
        }
    )
    cal = WorkdayCalendar({2026: YearCalendar.model_validate(corrected.model_dump())})
    assert official.basis_for(2026) is OFFICIAL
    assert cal.basis_for(2026) is OFFICE
    assert official.is_workday(date(2026, 10, 10))
    assert not cal.is_workday(date(2026, 10, 10))
    assert official.is_workday(date(2026, 12, 31))
    assert not cal.is_workday(date(2026, 12, 31))
    # The rest of the package data is kept because the office started from it.
    assert not cal.is_workday(date(2026, 2, 16))
    assert cal.is_workday(date(2026, 2, 14))
    # Thu 8 Oct + 2: Fri 9, then Sat 10 (official) or Mon 12 (office).
    assert official.add_workdays(date(2026, 10, 8), 2).due == date(2026, 10, 10)
    office_deadline = cal.add_workdays(date(2026, 10, 8), 2)
    assert office_deadline.due == date(2026, 10, 12)
    assert office_deadline.bases == frozenset({OFFICE})
    # Other years still come from the package.
    assert cal.basis_for(2025) is OFFICIAL
    assert not cal.is_workday(date(2025, 10, 1))


def test_office_calendar_replaces_whole_year() -> None:
    # An office calendar is the full year, not a patch: an empty 2026 drops every holiday.
    cal = WorkdayCalendar({2026: YearCalendar(year=2026)})
    assert cal.is_workday(date(2026, 10, 1))  # Thursday
    assert not cal.is_workday(date(2026, 10, 10))  # Saturday, no longer a make-up day


def test_from_official_unknown_year() -> None:
    with pytest.raises(ValueError, match="2028"):
        YearCalendar.from_official(2028)


def test_office_data_is_not_aliased() -> None:
    years = {2027: OFFICE_2027}
    cal = WorkdayCalendar(years)
    years.clear()
    assert cal.basis_for(2027) is OFFICE


# --- validation -----------------------------------------------------------------------


def test_year_calendar_rejects_date_from_other_year() -> None:
    with pytest.raises(ValueError, match="2026-12-31"):
        YearCalendar(year=2027, holidays=frozenset({date(2026, 12, 31)}))
    with pytest.raises(ValueError, match="outside 2027"):
        YearCalendar(year=2027, workdays=frozenset({date(2028, 1, 2)}))


def test_year_calendar_rejects_date_in_both_sets() -> None:
    d = date(2027, 2, 20)
    with pytest.raises(ValueError, match="2027-02-20 listed both as holiday and as make-up"):
        YearCalendar(year=2027, holidays=frozenset({d}), workdays=frozenset({d}))


def test_year_calendar_from_office_json() -> None:
    cal = YearCalendar.model_validate(
        {"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-02-20"]}
    )
    assert cal.holidays == frozenset({date(2027, 1, 1)})
    assert YearCalendar.model_validate_json(cal.model_dump_json()) == cal
    with pytest.raises(ValueError):
        YearCalendar.model_validate({"year": 2027, "holidays": [], "note": "unknown field"})


def test_year_calendar_is_frozen() -> None:
    with pytest.raises(ValueError):
        OFFICE_2027.year = 2028  # type: ignore[misc]


def test_office_years_key_must_match_calendar_year() -> None:
    with pytest.raises(ValueError, match=r"office_years\[2026\] holds the calendar for 2027"):
        WorkdayCalendar({2026: OFFICE_2027})


def test_datetime_is_not_a_date_here(official: WorkdayCalendar) -> None:
    with pytest.raises(TypeError, match="deadline_at"):
        official.is_workday(datetime(2025, 10, 1, 12, tzinfo=SHANGHAI))


def test_deadline_consistency_and_immutability() -> None:
    with pytest.raises(ValueError):
        Deadline(due=date(2028, 1, 3), bases=frozenset({WEEKENDS_ONLY}))
    with pytest.raises(ValueError):
        Deadline(due=date(2025, 1, 3), bases=frozenset({OFFICIAL}), weekends_only_years=(2025,))
    deadline = Deadline(
        due=date(2029, 1, 3),
        bases=frozenset({WEEKENDS_ONLY}),
        weekends_only_years=(2029, 2028, 2029),
    )
    assert deadline.weekends_only_years == (2028, 2029)
    with pytest.raises(dataclasses.FrozenInstanceError):
        deadline.due = date(2029, 1, 4)  # type: ignore[misc]


# --- workdays_between -----------------------------------------------------------------


def test_workdays_between(official: WorkdayCalendar) -> None:
    assert official.workdays_between(date(2025, 9, 30), date(2025, 10, 14)) == 5
    assert official.workdays_between(date(2025, 10, 14), date(2025, 9, 30)) == -5
    assert official.workdays_between(date(2025, 10, 1), date(2025, 10, 1)) == 0
    assert official.workdays_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    # (start, end]: the end day counts, the start day does not.
    assert official.workdays_between(date(2025, 9, 29), date(2025, 9, 30)) == 1
    assert official.workdays_between(date(2025, 9, 30), date(2025, 10, 1)) == 0


def test_workdays_between_inverts_add_workdays(with_2027: WorkdayCalendar) -> None:
    rng = random.Random(7)
    for _ in range(300):
        start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 4 * 365))
        n = rng.randint(1, 300)
        due = with_2027.add_workdays(start, n).due
        assert with_2027.workdays_between(start, due) == n
        assert with_2027.workdays_between(due, start) == -n


# --- deadline_at ----------------------------------------------------------------------


def test_deadline_at_uses_local_day_and_end_of_day(official: WorkdayCalendar) -> None:
    # 17:00 UTC on Thu 25 Sep is 01:00 on Fri 26 Sep in Beijing; +1 is the make-up Sunday.
    start = datetime(2025, 9, 25, 17, 0, tzinfo=UTC)
    due = deadline_at(start, 1, official)
    assert due == datetime(2025, 9, 28, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert due.tzinfo is SHANGHAI
    assert due.utcoffset() == timedelta(hours=8)
    # Counted in UTC the local day would be Thursday and the deadline Friday.
    utc_due = deadline_at(start, 1, official, tz=ZoneInfo("UTC"))
    assert utc_due.date() == date(2025, 9, 26)


def test_deadline_at_across_holiday_and_zero(official: WorkdayCalendar) -> None:
    start = datetime(2025, 9, 30, 9, 30, tzinfo=SHANGHAI)
    assert deadline_at(start, 5, official) == datetime(
        2025, 10, 14, 23, 59, 59, 999999, tzinfo=SHANGHAI
    )
    assert deadline_at(start, 0, official).date() == date(2025, 9, 30)


def test_deadline_at_rejects_naive_and_negative(official: WorkdayCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline_at(datetime(2025, 9, 30, 9, 30), 5, official)  # noqa: DTZ001 (naive on purpose)
    with pytest.raises(ValueError, match="n must be >= 0"):
        deadline_at(datetime(2025, 9, 30, 9, 30, tzinfo=SHANGHAI), -1, official)


# --- efficiency -----------------------------------------------------------------------


def test_scan_does_not_query_package_per_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rebuild the caches with the package's per-day functions disabled: the module must
    # read the package's tables once, never ask it day by day.
    workdays_module._official_data.cache_clear()
    workdays_module._package_index.cache_clear()

    def forbidden(*_args: object) -> bool:
        raise AssertionError("chinese_calendar must not be queried per day")

    for name in ("is_workday", "is_holiday", "get_workdays", "get_holidays", "find_workday"):
        monkeypatch.setattr(chinese_calendar, name, forbidden)

    cal = WorkdayCalendar({2027: OFFICE_2027})
    rng = random.Random(270)
    started = time_module.perf_counter()
    results = []
    for _org in range(270):
        for _rule in range(20):
            start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 3 * 365))
            results.append(cal.add_workdays(start, rng.randint(0, 300)))
    elapsed = time_module.perf_counter() - started
    assert len(results) == 5400
    # Generous bound so slow CI machines pass; a per-day loop would be far slower.
    assert elapsed < 2.0, elapsed
    assert workdays_module._official_data.cache_info().misses == 1

"""Calendar arithmetic of the rhythm: months for the concentrated period, working days for
the warnings. No database."""

from __future__ import annotations

from datetime import date

from rectification.dates import add_months
from rectification.deadlines.jobs import notice_for
from rectification.deadlines.models import DUE_SOON, OVERDUE
from rectification.rules.schemas import Rules
from xuncha_shared.workdays import WorkdayCalendar

CAL = WorkdayCalendar()


def test_a_month_of_concentrated_rectification() -> None:
    assert add_months(date(2026, 3, 2), 1) == date(2026, 4, 2)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 2) == date(2027, 1, 30)


def test_notice_windows_count_working_days() -> None:
    rules = Rules(warn_workdays_before=3)
    due = date(2026, 10, 9)  # National Day: 1–7 October off
    # From 28 September: 29, 30 September, 8 and 9 October are four working days to go.
    assert notice_for(due, date(2026, 9, 28), CAL, rules) is None
    assert notice_for(due, date(2026, 9, 29), CAL, rules) == DUE_SOON
    assert notice_for(due, due, CAL, rules) == DUE_SOON
    assert notice_for(due, date(2026, 10, 10), CAL, rules) == OVERDUE
    assert notice_for(due, date(2026, 10, 8), CAL, Rules(warn_workdays_before=0)) is None

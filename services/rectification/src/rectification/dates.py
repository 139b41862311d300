"""Dates in the jurisdiction's calendar (Asia/Shanghai, Chinese working days)."""

from __future__ import annotations

import calendar as _calendar
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.calendar import load_calendar
from xuncha_shared.workdays import WorkdayCalendar

from rectification.models import CALENDAR


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


async def calendar_of(session: AsyncSession, jurisdiction: str) -> WorkdayCalendar:
    """The jurisdiction's working-day calendar from the local projection."""
    return await load_calendar(session, CALENDAR, jurisdiction)

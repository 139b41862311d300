"""The holiday calendar's API schemas: CalendarYearUpdate / CalendarYearRead / DeadlineRead."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.workdays import CalendarBasis

# A year has at most 366 days; a longer list is a mistake, not a calendar.
MAX_CALENDAR_DAYS = 366

# 2026 as the State Council arranged it (国务院办公厅公布的节假日安排), as an office enters it.
CALENDAR_2026_EXAMPLE: dict[str, Any] = {
    "holidays": [
        "2026-01-01", "2026-01-02", "2026-01-03",
        "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
        "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
        "2026-04-04", "2026-04-05", "2026-04-06",
        "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
        "2026-06-19", "2026-06-20", "2026-06-21",
        "2026-09-25", "2026-09-26", "2026-09-27",
        "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
        "2026-10-05", "2026-10-06", "2026-10-07",
    ],
    "workdays": [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
    ],
}  # fmt: skip


class CalendarYearUpdate(BaseModel):
    """A whole year of the holiday calendar; it replaces the official data for that year."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [CALENDAR_2026_EXAMPLE]},
    )

    holidays: list[date] = Field(
        max_length=MAX_CALENDAR_DAYS,
        title="节假日",
        description="放假的日期，须在该年内；连休中的周末可列可不列",
    )
    workdays: list[date] = Field(
        max_length=MAX_CALENDAR_DAYS,
        title="调休上班日",
        description="周末调休上班的日期，须在该年内，且不能同时是节假日",
    )


class CalendarYearRead(BaseModel):
    """A year of a jurisdiction's working-day calendar and where its data comes from."""

    jurisdiction: str = Field(title="管辖范围")
    year: int = Field(title="年份")
    basis: CalendarBasis = Field(
        title="数据来源",
        description="office：巡察办录入；official：国务院公布的安排（随程序发布）；"
        "weekends_only：尚无数据，仅按周末休息计算",
    )
    holidays: list[date] = Field(title="节假日")
    workdays: list[date] = Field(title="调休上班日")
    version: int | None = Field(default=None, title="版本号", description="仅巡察办录入的年份有")
    updated_at: datetime | None = Field(default=None, title="更新时间")
    updated_by: str | None = Field(default=None, title="更新人")
    note_zh: str | None = Field(default=None, title="说明", description="尚无数据时的提示")
    note_en: str | None = Field(default=None, title="Note", description="When no data is known")


class DeadlineRead(BaseModel):
    """A due date counted in the jurisdiction's working days, and what it rests on."""

    start: date = Field(title="起算日", description="起算日当天不计入")
    days: int = Field(title="工作日数")
    due: date = Field(title="截止日期")
    bases: list[CalendarBasis] = Field(title="数据来源", description="计算涉及各年份的数据来源")
    approximate: bool = Field(
        title="是否为估算", description="涉及尚无节假日数据的年份时为真，截止日期可能偏早"
    )
    weekends_only_years: list[int] = Field(title="尚无节假日数据的年份")
    note_zh: str | None = Field(default=None, title="说明")
    note_en: str | None = Field(default=None, title="Note")

"""Planning's API schemas: OrgCreate / OrgUpdate / OrgRead / OrgPage, import reports, and
the holiday calendar (CalendarYearUpdate / CalendarYearRead / DeadlineRead)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from xuncha_shared.http import Page
from xuncha_shared.orgs import OrgKind
from xuncha_shared.patch import Patch
from xuncha_shared.workdays import CalendarBasis

CODE_PATTERN = r"^[A-Za-z0-9._-]{1,32}$"
PHONE_PATTERN = r"^[0-9+()\- ]{5,30}$"


class OrgCreate(BaseModel):
    """An org to add to the registry; the jurisdiction is the caller's."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "410825105201",
                    "name": "陈家沟村",
                    "kind": "village",
                    "parent_id": "b707b14b-57d0-4470-8b74-00bb79b8800c",
                    "contact_name": "陈国强",
                    "contact_phone": "0391-6155021",
                    "contact_email": "chenjiagou@wenxian.example.com",
                }
            ]
        },
    )

    code: str = Field(pattern=CODE_PATTERN, title="编码", description="本辖区内唯一，如 410825001")
    name: str = Field(min_length=1, max_length=100, title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(default=None, title="上级组织编号")
    contact_name: str | None = Field(default=None, max_length=50, title="联系人")
    contact_phone: str | None = Field(default=None, pattern=PHONE_PATTERN, title="联系电话")
    contact_email: EmailStr | None = Field(default=None, title="电子邮箱")
    leader_account: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        title="分管县领导账号",
        description="分管该单位的县领导的平台账号；该领导可查看本单位的整改方案和任务（只读）",
    )


class OrgUpdate(Patch):
    """Fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "南平皋村",
                    "kind": "village",
                    "parent_id": "b707b14b-57d0-4470-8b74-00bb79b8800c",
                    "contact_name": "李振东",
                    "contact_phone": "0391-6155108",
                    "contact_email": "nanpinggao@wenxian.example.com",
                    "leader_account": "leader2",
                    "active": True,
                }
            ]
        },
    )

    clearable = frozenset(
        {"parent_id", "contact_name", "contact_phone", "contact_email", "leader_account"}
    )

    name: str | None = Field(default=None, min_length=1, max_length=100, title="名称")
    kind: OrgKind | None = Field(default=None, title="类型")
    parent_id: uuid.UUID | None = Field(default=None, title="上级组织编号")
    contact_name: str | None = Field(default=None, max_length=50, title="联系人")
    contact_phone: str | None = Field(default=None, pattern=PHONE_PATTERN, title="联系电话")
    contact_email: EmailStr | None = Field(default=None, title="电子邮箱")
    leader_account: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        title="分管县领导账号",
        description="分管该单位的县领导的平台账号；该领导可查看本单位的整改方案和任务（只读）",
    )
    active: bool | None = Field(default=None, title="是否在巡察范围内")


class OrgRead(BaseModel):
    """An org as the registry holds it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="编号")
    jurisdiction: str = Field(title="管辖范围")
    code: str = Field(title="编码")
    name: str = Field(title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(title="上级组织编号")
    contact_name: str | None = Field(title="联系人")
    contact_phone: str | None = Field(title="联系电话")
    contact_email: str | None = Field(title="电子邮箱")
    leader_account: str | None = Field(default=None, title="分管县领导账号")
    active: bool = Field(title="是否在巡察范围内")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="登记时间")
    updated_at: datetime = Field(title="更新时间")


OrgPage = Page[OrgRead]


class ImportRowErrorRead(BaseModel):
    row: int = Field(title="行号", description="Excel 中看到的行号（表头为第 1 行）")
    field: str = Field(title="列")
    code: str = Field(title="错误代码")
    message_zh: str = Field(title="中文说明")
    message_en: str = Field(title="English message")
    value: str | None = Field(default=None, title="原值")


class ImportReport(BaseModel):
    """The outcome of an import: all rows or none."""

    created: int = Field(title="新增")
    updated: int = Field(title="更新")
    unchanged: int = Field(title="未变")
    total: int = Field(title="总行数")
    by_kind: dict[str, int] = Field(title="按类型统计")


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

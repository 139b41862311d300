"""Planning's events about the registry of orgs in scope and the office's holiday calendar
(topic ``xuncha.planning.v1``)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from pydantic import Field

from xuncha_shared.events.base import Event, events_in
from xuncha_shared.orgs import DepartmentDesignation, OrgKind


class OrgSnapshot(Event):
    """The registry's view of an org, as other services project it."""

    subject_field: ClassVar[str] = "org_id"

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    code: str = Field(title="编码")
    name: str = Field(title="名称")
    kind: OrgKind = Field(title="类型")
    parent_id: uuid.UUID | None = Field(default=None, title="上级组织编号")
    version: int = Field(ge=1, title="版本号", description="每次变更加一；投影只接受更新的版本")
    active: bool = Field(default=True, title="是否在巡察范围内")
    leader_account: str | None = Field(
        default=None,
        title="分管县领导账号",
        description="分管该单位的县领导的平台账号（令牌主体 sub）；未设置时为空",
    )
    designation: DepartmentDesignation | None = Field(
        default=None,
        title="部门职能",
        description="县直部门的职能（纪委监委、组织部、宣传部……），线索按它确定承办部门；"
        "其他类型或未设置时为空",
    )


class OrgRegistered(OrgSnapshot):
    """An org entered the registry of orgs in scope (被巡察对象库)."""

    type: ClassVar[str] = "xuncha.planning.org.registered.v1"
    title_zh: ClassVar[str] = "被巡察对象已登记"


class OrgUpdated(OrgSnapshot):
    """An org's name, kind, parent or scope changed; carries the whole new snapshot."""

    type: ClassVar[str] = "xuncha.planning.org.updated.v1"
    title_zh: ClassVar[str] = "被巡察对象已变更"


class HolidayCalendarPublished(Event):
    """The office saved its holiday calendar for one year (节假日安排): the whole year's days
    off and make-up working days, which replace the official data for that year in every
    working-day deadline of the jurisdiction.

    Carries the complete year, not a change: a consumer keeps the highest ``version`` per
    jurisdiction and year. A working day is Monday to Friday unless listed in ``holidays``,
    or any day listed in ``workdays``.
    """

    type: ClassVar[str] = "xuncha.planning.holiday_calendar.published.v1"
    subject_field: ClassVar[str] = "calendar_id"
    title_zh: ClassVar[str] = "节假日安排已发布"

    calendar_id: str = Field(
        min_length=1,
        title="日历编号",
        description="<管辖范围>:<年份>，如 410825:2027 / <jurisdiction>:<year>",
    )
    year: int = Field(ge=1, le=9999, title="年份")
    holidays: tuple[date, ...] = Field(
        title="节假日",
        description="放假的日期（含调休形成的连休），按日期排序 / Days off, sorted",
    )
    workdays: tuple[date, ...] = Field(
        title="调休上班日",
        description="周末调休上班的日期，按日期排序 / Make-up working days, sorted",
    )
    version: int = Field(ge=1, title="版本号", description="每次保存加一；投影只接受更新的版本")


# Keep last: every event class above is in the catalog.
EVENTS: tuple[type[Event], ...] = events_in(__name__, globals())

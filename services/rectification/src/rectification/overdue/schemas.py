"""The overdue list's API shapes."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field


class OverdueTask(BaseModel):
    """A task past its deadline and not accepted, with how late it is."""

    task_id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    category_name: str = Field(title="问题类别")
    description: str = Field(title="问题描述")
    responsible_person: str | None = Field(title="责任人")
    owner_name: str | None = Field(title="领办领导")
    due_on: date = Field(title="整改时限")
    status: str = Field(title="状态", description="open 整改中；claimed 已申请销号待验收")
    workdays_overdue: int = Field(title="逾期工作日数", description="按本辖区工作日日历")
    days_overdue: int = Field(title="逾期自然日数")


class OverdueOrg(BaseModel):
    """One org's overdue tasks, the latest first."""

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    count: int = Field(title="逾期任务数")
    worst_workdays: int = Field(title="最长逾期工作日数")
    tasks: list[OverdueTask] = Field(title="逾期任务")


class OverdueRead(BaseModel):
    """The overdue work list (逾期整改清单) by org, the most overdue org first."""

    as_of: date = Field(title="统计日期")
    total: int = Field(title="逾期任务总数")
    orgs: list[OverdueOrg] = Field(title="各单位逾期任务")

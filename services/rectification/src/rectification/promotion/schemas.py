"""The promotion check's answer."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field
from xuncha_shared.events.rectification import TaskKind


class BlockingTask(BaseModel):
    """A task that stops the promotion, with its dates."""

    task_id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    category_name: str = Field(title="问题类别")
    description: str = Field(title="问题描述")
    kind: TaskKind = Field(title="整改类型")
    responsible_person: str | None = Field(title="责任人")
    owner_name: str | None = Field(title="领办领导")
    due_on: date = Field(title="整改时限")
    days_overdue: int = Field(title="逾期天数（自然日）")
    status: str = Field(title="状态")
    claimed_at: datetime | None = Field(title="申请销号时间")
    reason_zh: str = Field(title="原因")


class PromotionCheck(BaseModel):
    """The answer: whether anything blocks, and what."""

    account: str | None = Field(title="查询的领办领导账号")
    person: str | None = Field(title="查询的责任人姓名")
    org_id: uuid.UUID | None = Field(title="查询的单位编号")
    as_of: date = Field(title="查询日期")
    blocking: bool = Field(
        title="是否存在逾期或未验收的整改", description="为真时暂停提拔、调动、晋级"
    )
    tasks: list[BlockingTask] = Field(title="阻止事项")

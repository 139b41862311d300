"""The promotion check's answer."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field
from xuncha_shared.events.rectification import TaskKind, TypicalCaseKind
from xuncha_shared.events.rectification.accountability import AccountabilityForm, DecidingBody
from xuncha_shared.roster import CadreRank


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


class AccountabilityNamed(BaseModel):
    """An accountability record (追责问责) that held the rostered person accountable."""

    accountability_id: uuid.UUID = Field(title="问责记录编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    member_id: uuid.UUID = Field(title="名册条目编号", description="问责时的任职条目")
    post_title: str = Field(title="问责时职务")
    rank: CadreRank = Field(title="问责时职级")
    form: AccountabilityForm = Field(title="问责方式")
    failure: TypicalCaseKind = Field(title="问责事由")
    deciding_body: DecidingBody = Field(title="决定机关")
    decided_on: date = Field(title="决定日期")


class PromotionCheck(BaseModel):
    """The answer: whether anything blocks, and what."""

    account: str | None = Field(title="查询的领办领导账号")
    person: str | None = Field(title="查询的责任人姓名")
    org_id: uuid.UUID | None = Field(title="查询的单位编号")
    member_id: uuid.UUID | None = Field(default=None, title="查询的名册条目编号")
    member_name: str | None = Field(default=None, title="名册中的姓名")
    as_of: date = Field(title="查询日期")
    blocking: bool = Field(
        title="是否存在逾期或未验收的整改", description="为真时暂停提拔、调动、晋级"
    )
    tasks: list[BlockingTask] = Field(title="阻止事项")
    accountability: list[AccountabilityNamed] = Field(
        default_factory=list,
        title="追责问责记录",
        description="按名册条目查询时：问责过此人（同一条目，或名册以同一平台账号关联的其他任职"
        "条目）的记录，供任前廉政意见参考；不影响“是否存在逾期或未验收的整改”",
    )

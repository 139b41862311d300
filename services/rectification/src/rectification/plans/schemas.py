"""API schemas of plans and tasks: PlanRead, TaskRead / TaskUpdate, pages and completion."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.rectification import TaskKind
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch

MAX_TEXT = 4000


class PlanStatus(StrEnum):
    """awaiting_feedback 已移交立行立改问题、待反馈 → drafting 待报送整改方案 → submitted 已报送."""

    awaiting_feedback = "awaiting_feedback"
    drafting = "drafting"
    submitted = "submitted"


class TaskStatus(StrEnum):
    """open 整改中 → claimed 已申请销号（待验收） → accepted 已验收; a rejection reopens."""

    open = "open"
    claimed = "claimed"
    accepted = "accepted"


class PlanRead(BaseModel):
    """One org's rectification plan for a round."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="整改方案编号")
    jurisdiction: str = Field(title="管辖范围")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(default=None, title="被巡察对象名称")
    feedback_id: uuid.UUID | None = Field(title="反馈编号")
    status: PlanStatus = Field(title="状态")
    opened_at: datetime = Field(title="建立时间")
    feedback_at: datetime | None = Field(title="反馈时间")
    plan_due_on: date | None = Field(title="整改方案报送期限")
    period_ends_on: date | None = Field(title="集中整改期结束日期")
    report_due_on: date | None = Field(title="整改报告报送期限")
    submitted_at: datetime | None = Field(title="整改方案报送时间")
    task_count: int = Field(default=0, title="整改任务数")
    accepted_count: int = Field(default=0, title="已验收任务数")
    completion_rate: float | None = Field(default=None, title="整改完成率", description="0–1")
    version: int = Field(title="版本号")


PlanPage = Page[PlanRead]


class TaskRead(BaseModel):
    """One rectification task (one problem)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(default=None, title="被巡察对象名称")
    problem_id: uuid.UUID = Field(title="问题编号")
    category: str = Field(title="问题类别代码")
    category_name: str = Field(title="问题类别")
    description: str = Field(title="问题描述")
    immediate: bool = Field(title="是否立行立改")
    livelihood: bool = Field(title="是否民生问题")
    kind: TaskKind = Field(title="整改类型")
    measures: str | None = Field(title="整改措施")
    responsible_person: str | None = Field(title="责任人")
    owner_account: str | None = Field(title="领办领导账号")
    owner_name: str | None = Field(title="领办领导")
    due_on: date | None = Field(title="整改时限")
    status: TaskStatus = Field(title="状态")
    overdue: bool = Field(default=False, title="是否逾期", description="时限已过仍未验收")
    rejections: int = Field(title="验收退回次数")
    claimed_at: datetime | None = Field(title="申请销号时间")
    accepted_at: datetime | None = Field(title="验收时间")
    on_time: bool | None = Field(title="是否按期完成")
    version: int = Field(title="版本号")


TaskPage = Page[TaskRead]


class TaskUpdate(Patch):
    """What the inspected org fills in for a task; only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "measures": "1.组织对全镇村集体资金支出开展专项清查，2026年12月底前完成；"
                    "2.村级工程一律执行“四议两公开”，镇农经站事前审核；"
                    "3.出台《赵堡镇村级财务管理办法》，每季度公开财务收支。",
                    "responsible_person": "马某某",
                    "owner_account": "wx-leader-liu",
                    "owner_name": "刘建国",
                    "due_on": "2027-01-31",
                    "kind": "short",
                }
            ]
        },
    )

    measures: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT, title="整改措施")
    responsible_person: str | None = Field(
        default=None, min_length=1, max_length=50, title="责任人"
    )
    owner_account: str | None = Field(
        default=None, min_length=1, max_length=128, title="领办领导账号", description="平台账号"
    )
    owner_name: str | None = Field(default=None, min_length=1, max_length=50, title="领办领导")
    due_on: date | None = Field(default=None, title="整改时限")
    kind: TaskKind | None = Field(default=None, title="整改类型")


class CompletionBy(StrEnum):
    org = "org"
    round = "round"
    term = "term"
    category = "category"


class CompletionRow(BaseModel):
    """Accepted / total for one org, round, term or category."""

    key: str = Field(title="分组键")
    name: str | None = Field(default=None, title="名称")
    total: int = Field(title="任务数")
    accepted: int = Field(title="已验收")
    rate: float = Field(title="完成率", description="已验收 / 任务数，0–1")


class CompletionRead(BaseModel):
    """Completion rates (整改完成率) grouped as asked, and the overall figure."""

    by: CompletionBy = Field(title="分组方式")
    rows: list[CompletionRow] = Field(title="各组完成率")
    total: int = Field(title="任务总数")
    accepted: int = Field(title="已验收总数")
    rate: float | None = Field(title="总完成率")

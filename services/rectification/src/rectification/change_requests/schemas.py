"""Change requests' API schemas: ChangeRequestCreate, the office's ChangeApproval /
ChangeRejection, ChangeRequestRead and its page."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.rectification import ChangeField, TaskKind
from xuncha_shared.http import Page

from rectification.plans.schemas import MAX_TEXT

MAX_REASON = 1000


class ChangeRequestStatus(StrEnum):
    """open 待审批 → approved 已同意（已调整） / rejected 不同意 / withdrawn 已撤回."""

    open = "open"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


class ChangeRequestCreate(BaseModel):
    """What the org asks to change on its task (only what the office or the inspection
    decided; at least one field, each different from the task's), and why."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "due_on": "2026-06-30",
                    "reason": "涉及的12户村民补偿款需经县财政局重新核定，核定结果预计5月底出具，"
                    "原定时限内无法完成清退。",
                }
            ]
        },
    )

    kind: TaskKind | None = Field(default=None, title="申请的整改类型")
    due_on: date | None = Field(default=None, title="申请的整改时限")
    measures: str | None = Field(
        default=None, min_length=1, max_length=MAX_TEXT, title="申请的整改措施"
    )
    reason: str = Field(min_length=1, max_length=MAX_REASON, title="申请理由")


class ChangeApproval(BaseModel):
    """The office approves: the requested values are applied to the task."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"opinion": "经核实，同意延期至2026年6月30日。"}]},
    )

    opinion: str | None = Field(default=None, min_length=1, max_length=MAX_REASON, title="审批意见")


class ChangeRejection(BaseModel):
    """The office rejects, with its opinion (required); the task keeps its values."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"opinion": "该问题属立行立改范围，应按原定时限完成。"}]},
    )

    opinion: str = Field(min_length=1, max_length=MAX_REASON, title="审批意见")


class ChangeRequestRead(BaseModel):
    """One change request (调整申请) and its decision."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="调整申请编号")
    task_id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(default=None, title="被巡察对象名称")
    status: ChangeRequestStatus = Field(title="状态")
    fields: list[ChangeField] = Field(default_factory=list, title="申请调整的事项")
    kind: TaskKind | None = Field(title="申请的整改类型")
    due_on: date | None = Field(title="申请的整改时限")
    measures: str | None = Field(title="申请的整改措施")
    current_kind: TaskKind = Field(title="申请时的整改类型")
    current_due_on: date | None = Field(title="申请时的整改时限")
    current_measures: str | None = Field(title="申请时的整改措施")
    reason: str = Field(title="申请理由")
    filed_at: datetime = Field(title="申请时间")
    filed_by: str = Field(title="申请人账号")
    decided_at: datetime | None = Field(title="审批时间")
    decided_by: str | None = Field(title="审批人账号")
    opinion: str | None = Field(title="审批意见")
    withdrawn_at: datetime | None = Field(title="撤回时间")
    version: int = Field(title="版本号")


ChangeRequestPage = Page[ChangeRequestRead]

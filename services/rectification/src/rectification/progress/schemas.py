"""API schemas of progress reports, done claims and acceptance."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.http import Page

MAX_TEXT = 4000


class Evidence(BaseModel):
    """A piece of evidence: a document, photo or record, by name and reference."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, title="名称")
    ref: str | None = Field(
        default=None, max_length=500, title="存放位置", description="文件编号、链接或档案位置"
    )


class Commitment(BaseModel):
    """The party head's truthfulness commitment (真实性承诺)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    signed_by: str = Field(
        min_length=1, max_length=50, title="承诺人", description="党组织主要负责人"
    )
    statement: str = Field(min_length=1, max_length=2000, title="承诺内容")


class ProgressCreate(BaseModel):
    """A dated progress report with evidence."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reported_on: date = Field(title="进展日期")
    text: str = Field(min_length=1, max_length=MAX_TEXT, title="进展情况")
    evidence: list[Evidence] = Field(default_factory=list, max_length=50, title="佐证材料")


class DoneClaim(BaseModel):
    """The org claims the task done (申请销号), signed with the commitment."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    summary: str = Field(min_length=1, max_length=MAX_TEXT, title="整改完成情况")
    evidence: list[Evidence] = Field(default_factory=list, max_length=50, title="佐证材料")
    commitment: Commitment = Field(title="真实性承诺")


class Acceptance(BaseModel):
    """A supervisor accepts the task as rectified (验收通过)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    comment: str | None = Field(default=None, max_length=MAX_TEXT, title="验收意见")


class Rejection(BaseModel):
    """A supervisor rejects the claim (验收不通过), with reasons; the task reopens."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reasons: str = Field(min_length=1, max_length=MAX_TEXT, title="退回理由")


class EntryKind(StrEnum):
    progress = "progress"
    """进展"""
    claim = "claim"
    """申请销号"""
    accept = "accept"
    """验收通过"""
    reject = "reject"
    """验收退回"""


class ProgressRead(BaseModel):
    """One entry of a task's history."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="编号")
    task_id: uuid.UUID = Field(title="整改任务编号")
    kind: EntryKind = Field(title="类型")
    reported_on: date | None = Field(title="进展日期")
    text: str = Field(title="内容")
    evidence: list[Evidence] = Field(title="佐证材料")
    signed_by: str | None = Field(title="承诺人")
    commitment: str | None = Field(title="承诺内容")
    signed_at: datetime | None = Field(title="承诺时间")
    at: datetime = Field(title="记录时间")
    by: str = Field(title="记录人账号")


ProgressPage = Page[ProgressRead]

"""API schemas of letters."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.findings import LetterKind
from xuncha_shared.http import Page

SERIES = {
    LetterKind.reminder: "巡提",
    LetterKind.recommendation: "巡建",
    LetterKind.supervision: "巡督",
}
TITLES_ZH = {
    LetterKind.reminder: "巡察提醒函",
    LetterKind.recommendation: "巡察建议书",
    LetterKind.supervision: "典型问题督办函",
}


class CopyTo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str = Field(
        min_length=1, max_length=128, title="领导平台账号", description="令牌主体 sub"
    )
    name: str = Field(min_length=1, max_length=100, title="抄报称谓", description="如 张三同志")


class LetterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: LetterKind = Field(
        title="函件类型", description="reminder 提醒函；recommendation 建议书；supervision 督办函"
    )
    addressee_org_id: uuid.UUID = Field(title="主送单位编号")
    problem_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=500, title="涉及问题", description="可取共性问题某组的 problem_ids"
    )
    title: str | None = Field(
        default=None, max_length=200, title="标题", description="不填按类型生成"
    )
    body: list[str] = Field(default_factory=list, max_length=50, title="正文段落")
    recommendations: list[str] = Field(
        default_factory=list, max_length=50, title="建议事项（建议书）"
    )
    copy_to: list[CopyTo] = Field(default_factory=list, max_length=20, title="抄报分管领导")
    copy_to_org_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20, title="抄送单位")
    reply_required: bool = Field(default=True, title="是否要求书面回复")
    reply_workdays: int | None = Field(
        default=None, ge=1, le=120, title="回复期限（工作日）", description="不填用本辖区设置"
    )


class LetterReplyWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=10_000, title="回复内容")


class LetterRead(BaseModel):
    id: uuid.UUID = Field(title="函件编号")
    kind: LetterKind = Field(title="函件类型")
    doc_number: str = Field(title="文号")
    title: str = Field(title="标题")
    addressee_org_id: uuid.UUID = Field(title="主送单位编号")
    addressee_name: str = Field(title="主送单位")
    round_id: uuid.UUID | None = Field(title="轮次编号")
    term_id: uuid.UUID | None = Field(title="届次编号")
    problem_ids: list[uuid.UUID] = Field(title="涉及问题")
    copy_to_accounts: list[str] = Field(title="抄报领导账号")
    copy_to_names: list[str] = Field(title="抄报领导")
    copy_to_org_ids: list[uuid.UUID] = Field(title="抄送单位")
    reply_due_on: date | None = Field(title="回复期限")
    reply_text: str | None = Field(title="回复内容")
    replied_at: datetime | None = Field(title="回复时间")
    sent_by: str = Field(title="发出人")
    sent_at: datetime = Field(title="发出时间")
    version: int = Field(title="版本号")


class LetterPage(Page[LetterRead]):
    pass

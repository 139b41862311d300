"""API schemas of announcements (巡察公告) and public reports (信访举报)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.findings import FoundBy, PublicReportChannel, TriageOutcome
from xuncha_shared.http import Page

from findings.problems.schemas import CategoryCode, Yuan


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnnouncementWrite(_In):
    text: str = Field(min_length=1, max_length=4000, title="公告正文")
    phone: str | None = Field(default=None, max_length=40, title="举报电话")
    mailbox: str | None = Field(
        default=None, max_length=200, title="举报信箱", description="邮政信箱或意见箱位置"
    )
    address: str | None = Field(default=None, max_length=200, title="来访地址")
    online_url: str | None = Field(default=None, max_length=300, title="网上举报平台")


class AnnouncementRead(BaseModel):
    round_id: uuid.UUID = Field(title="轮次编号")
    round_name: str = Field(title="轮次")
    text: str = Field(title="公告正文")
    phone: str | None = Field(title="举报电话")
    mailbox: str | None = Field(title="举报信箱")
    address: str | None = Field(title="来访地址")
    online_url: str | None = Field(title="网上举报平台")
    on_site_from: date = Field(title="进驻开始")
    on_site_until: date = Field(title="进驻结束")
    accepting: bool = Field(title="是否正在受理", description="巡察组进驻期间受理")


class PublicSubmission(_In):
    """What a member of the public sends (网上举报)."""

    content: str = Field(min_length=5, max_length=5000, title="反映内容")
    org_id: uuid.UUID | None = Field(default=None, title="所反映的单位编号", description="可不填")
    contact: str | None = Field(
        default=None, max_length=200, title="联系方式", description="可匿名；留下便于核实"
    )


class Receipt(BaseModel):
    receipt_code: str = Field(
        title="查询码", description="只显示这一次，请妥善保存；凭此码只能查询办理状态"
    )
    received_at: datetime = Field(title="受理时间")


class StatusQuery(_In):
    receipt_code: str = Field(min_length=8, max_length=64, title="查询码")


class PublicStatus(StrEnum):
    received = "received"
    """已受理"""
    handling = "handling"
    """办理中"""
    closed = "closed"
    """已办结"""


class PublicStatusRead(BaseModel):
    status: PublicStatus = Field(
        title="办理状态", description="received 已受理 / handling 办理中 / closed 已办结"
    )


class StaffEntry(_In):
    """A report received by letter, phone, visit or mailbox and entered by the group."""

    round_id: uuid.UUID = Field(title="轮次编号")
    channel: PublicReportChannel = Field(title="渠道")
    content: str = Field(min_length=1, max_length=5000, title="反映内容")
    org_id: uuid.UUID | None = Field(default=None, title="所反映的单位编号")
    contact: str | None = Field(default=None, max_length=200, title="联系方式")


class TriageProblem(_In):
    assignment_id: uuid.UUID = Field(title="巡察任务编号", description="本组的任务")
    category: CategoryCode = Field(title="问题类别代码")
    description: str | None = Field(
        default=None, max_length=5000, title="问题描述", description="不填则用反映内容"
    )
    found_by: FoundBy = Field(default=FoundBy.petition, title="发现方式")
    immediate: bool = Field(default=False, title="立行立改")
    livelihood: bool = Field(default=False, title="民生问题")
    amount_yuan: Yuan | None = Field(default=None, title="涉及金额（元）")


class TriageWrite(_In):
    outcome: TriageOutcome = Field(title="分办结果")
    problem: TriageProblem | None = Field(default=None, title="转为问题（outcome=problem）")
    clue_id: uuid.UUID | None = Field(
        default=None,
        title="线索编号（outcome=clue）",
        description=(
            "先向线索服务提出线索（POST /api/clues/clues，"
            "source_report_id 为本举报），再填其返回的编号"
        ),
    )
    forwarded_to_org_id: uuid.UUID | None = Field(
        default=None, title="转办部门编号（outcome=forwarded）"
    )
    reply_workdays: int | None = Field(default=None, ge=1, le=120, title="回复期限（工作日）")
    reason: str | None = Field(
        default=None, max_length=2000, title="不予处理理由（outcome=no_action）"
    )


class ReplyWrite(_In):
    text: str = Field(min_length=1, max_length=5000, title="办理回复")


class PublicReportRead(BaseModel):
    id: uuid.UUID = Field(title="编号")
    jurisdiction: str = Field(title="管辖范围")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID | None = Field(title="所反映的单位编号")
    channel: PublicReportChannel = Field(title="渠道")
    content: str | None = Field(
        title="反映内容", description="作为线索提出后清除（内容只在线索服务）"
    )
    contact: str | None = Field(title="联系方式")
    status: PublicStatus = Field(title="办理状态")
    outcome: TriageOutcome | None = Field(title="分办结果")
    problem_id: uuid.UUID | None = Field(title="转成的问题编号")
    clue_id: uuid.UUID | None = Field(title="线索编号")
    clues: list[dict[str, str]] = Field(title="由此提出的线索（编号和状态）")
    forwarded_to_org_id: uuid.UUID | None = Field(title="转办部门编号")
    reply_due_on: date | None = Field(title="回复期限")
    reply_text: str | None = Field(title="办理回复")
    replied_at: datetime | None = Field(title="回复时间")
    reply_overdue: bool = Field(title="是否逾期未回复")
    no_action_reason: str | None = Field(title="不予处理理由")
    redacted: bool = Field(title="内容已移交线索服务并清除")
    received_at: datetime = Field(title="受理时间")
    triaged_by: str | None = Field(title="分办人")
    triaged_at: datetime | None = Field(title="分办时间")
    version: int = Field(title="版本号")


class PublicReportPage(Page[PublicReportRead]):
    pass

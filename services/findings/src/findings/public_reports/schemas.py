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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "根据县委统一部署，县委第二巡察组自2026年9月7日至11月6日对中共温县"
                    "赵堡镇委员会开展常规巡察，同步延伸巡察所辖村党组织。巡察期间主要受理反映"
                    "赵堡镇党委领导班子及其成员、村“两委”干部问题的来信来电来访，重点是违反"
                    "政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律和生活纪律等方面的问题。",
                    "phone": "0391-6168026",
                    "mailbox": "温县邮政局A026号信箱；赵堡镇人民政府大门东侧巡察意见箱",
                    "address": "温县赵堡镇人民政府院内二楼县委第二巡察组办公室",
                    "online_url": "https://xuncha.wenxian.gov.cn/jubao",
                }
            ]
        }
    )

    text: str = Field(min_length=1, max_length=4000, title="公告正文")
    phone: str | None = Field(default=None, max_length=40, title="举报电话")
    mailbox: str | None = Field(
        default=None, max_length=200, title="举报信箱", description="邮政信箱或意见箱位置"
    )
    address: str | None = Field(default=None, max_length=200, title="来访地址")
    online_url: str | None = Field(default=None, max_length=300, title="网上举报平台")


class AnnouncedOrg(BaseModel):
    id: uuid.UUID = Field(title="单位编号")
    name: str = Field(title="单位名称")


class AnnouncedGroup(BaseModel):
    name: str = Field(title="巡察组")
    orgs: list[AnnouncedOrg] = Field(title="本组巡察的单位")


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
    groups: list[AnnouncedGroup] = Field(
        title="巡察组及其巡察的单位", description="网上举报时可选所反映的单位"
    )
    version: int = Field(title="版本号", description="修改时作为 If-Match 带回")


class PublicSubmission(_In):
    """What a member of the public sends (网上举报)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "content": "反映赵堡镇陈家沟村2025年村内道路硬化工程：合同约定路面厚度18厘米，"
                    "实际只有10厘米左右，完工不到半年已多处开裂，工程款却已全部付清。",
                    "org_id": "6a255c02-6809-433d-83dc-7775e539dd68",
                    "contact": "李先生，13800000000",
                }
            ]
        }
    )

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
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"receipt_code": "K7QM-3XWD-P2HN-5R4T-ZB6C"}]}
    )

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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "round_id": "070a7690-bc13-4648-86ba-dc2b5a6c4d87",
                    "channel": "letter",
                    "content": "来信反映赵堡镇陈家沟村部分低保户长期在外经商、家有轿车仍享受低保，"
                    "评审时未召开村民代表会议评议，名单也未张榜公示。",
                    "org_id": "6a255c02-6809-433d-83dc-7775e539dd68",
                    "contact": "署名“陈家沟村部分群众”，未留联系方式",
                }
            ]
        }
    )

    round_id: uuid.UUID = Field(title="轮次编号")
    channel: PublicReportChannel = Field(title="渠道")
    content: str = Field(min_length=1, max_length=5000, title="反映内容")
    org_id: uuid.UUID | None = Field(default=None, title="所反映的单位编号")
    contact: str | None = Field(default=None, max_length=200, title="联系方式")


class TriageProblem(_In):
    assignment_id: uuid.UUID = Field(title="巡察任务编号", description="本组的任务")
    category: CategoryCode = Field(title="问题类别代码")
    description: str = Field(
        min_length=1,
        max_length=5000,
        title="问题描述",
        description="巡察组核实后另行撰写；不得照搬或包含举报原文（会移交被巡察单位，以免暴露举报人）",
    )
    found_by: FoundBy = Field(default=FoundBy.petition, title="发现方式")
    immediate: bool = Field(default=False, title="立行立改")
    livelihood: bool = Field(default=False, title="民生问题")
    amount_yuan: Yuan | None = Field(default=None, title="涉及金额（元）")


class TriageWrite(_In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcome": "problem",
                    "problem": {
                        "assignment_id": "5453d645-90b1-4501-b6b6-b7fa604f9b56",
                        "category": "benefit_policies",
                        "description": "经走访核实，陈家沟村3户不符合条件的家庭仍享受农村低保，"
                        "2025年评审未经民主评议和公示，涉及低保金18720元。",
                        "found_by": "petition",
                        "immediate": True,
                        "livelihood": True,
                        "amount_yuan": "18720.00",
                    },
                }
            ]
        }
    )

    outcome: TriageOutcome = Field(title="分办结果")
    problem: TriageProblem | None = Field(default=None, title="转为问题（outcome=problem）")
    clue_id: uuid.UUID | None = Field(
        default=None,
        title="线索编号（outcome=clue）",
        description=(
            "先向线索服务提出线索（POST /api/clues/clues，"
            "source_report_id 为本举报），再填其返回的编号；须是本轮巡察组就本举报提出的线索。"
            "线索提出后本服务即清除举报内容和联系方式"
        ),
    )
    forwarded_to_org_id: uuid.UUID | None = Field(
        default=None,
        title="转办部门编号（outcome=forwarded）",
        description="本辖区的职能部门；不得是被反映的单位或其上级党组织。转办件不含举报人联系方式",
    )
    reply_workdays: int | None = Field(default=None, ge=1, le=120, title="回复期限（工作日）")
    reason: str | None = Field(
        default=None, max_length=2000, title="不予处理理由（outcome=no_action）"
    )


class ReplyWrite(_In):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "经县交通运输局会同赵堡镇现场核查，陈家沟村道路硬化工程部分路段厚度"
                    "不达标属实。已责令施工单位于2026年12月20日前返工重铺，返工费用由施工单位"
                    "承担；镇纪委已对负责验收的包村干部进行提醒谈话。"
                }
            ]
        }
    )

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
    contact: str | None = Field(
        title="联系方式", description="只有巡察办和本轮巡察组可见；转办部门等看到的为空"
    )
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

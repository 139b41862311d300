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

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "reported_on": "2026-11-30",
                    "text": "已完成全镇21个村2025年以来村集体资金支出清查，发现未履行"
                    "“四议两公开”程序支出14笔，已督促相关村补办程序并张榜公示。",
                    "evidence": [
                        {
                            "name": "赵堡镇村集体资金支出清查台账",
                            "ref": "赵堡镇党政办档案 2026-ZG-031",
                        },
                        {"name": "陈家沟村财务公开栏照片（2026年11月）"},
                    ],
                }
            ]
        },
    )

    reported_on: date = Field(title="进展日期")
    text: str = Field(min_length=1, max_length=MAX_TEXT, title="进展情况")
    evidence: list[Evidence] = Field(default_factory=list, max_length=50, title="佐证材料")


class DoneClaim(BaseModel):
    """The org claims the task done (申请销号), signed with the commitment."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "summary": "清退不符合条件低保对象5户，追回低保金30600元，已上缴县财政；"
                    "全镇低保对象重新民主评议并张榜公示7天，无异议。",
                    "evidence": [
                        {
                            "name": "赵堡镇低保清退审批表及追缴凭证",
                            "ref": "赵堡镇民政所档案 2026-MZ-118",
                        },
                        {
                            "name": "低保民主评议会议记录及公示照片",
                            "ref": "https://pan.wenxian.gov.cn/s/zb-dbgs-2026",
                        },
                    ],
                    "commitment": {
                        "signed_by": "马某某",
                        "statement": "本人承诺，以上整改情况真实、准确、完整，"
                        "如有虚假整改、敷衍整改，愿承担相应责任。",
                    },
                }
            ]
        },
    )

    summary: str = Field(min_length=1, max_length=MAX_TEXT, title="整改完成情况")
    evidence: list[Evidence] = Field(default_factory=list, max_length=50, title="佐证材料")
    commitment: Commitment = Field(title="真实性承诺")


class Acceptance(BaseModel):
    """A supervisor accepts the task as rectified (验收通过)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "comment": "经县纪委监委第三监督检查室抽查5个村，清退和资金追缴到位，"
                    "公示材料齐全，同意销号。"
                }
            ]
        },
    )

    comment: str | None = Field(default=None, max_length=MAX_TEXT, title="验收意见")


class Rejection(BaseModel):
    """A supervisor rejects the claim (验收不通过), with reasons; the task reopens."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "reasons": "追缴凭证只有3户，另2户未见缴款记录；民主评议会议记录缺少"
                    "村民代表签字，请补充后重新申请销号。"
                }
            ]
        },
    )

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
    remind = "remind"
    """催办（巡察办或所属乡镇）"""


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


class TaskFileRead(BaseModel):
    """An uploaded evidence file; cite it in ``evidence`` as ``{name: filename, ref}``."""

    sha256: str = Field(title="文件摘要", description="SHA-256")
    filename: str = Field(title="文件名")
    size: int = Field(title="大小（字节）")
    media_type: str = Field(title="文件类型")
    ref: str = Field(title="引用", description="佐证材料的存放位置：file:<sha256>")
    added_by: str = Field(title="上传人账号")
    added_at: datetime = Field(title="上传时间")

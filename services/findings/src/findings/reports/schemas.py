"""API schemas of inspection reports (巡察报告)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.findings import ReportKind
from xuncha_shared.http import Page


class ReportStatus(StrEnum):
    draft = "draft"
    """起草中"""
    submitted = "submitted"
    """已提交纪委审核"""
    returned = "returned"
    """纪委退回修改"""
    passed = "passed"
    """纪委审核通过，待书记专题会审定"""
    approved = "approved"
    """书记专题会已审定"""


SECTION_TITLES_ZH = {
    "overview": "一、基本情况",
    "portrait": "二、领导班子画像",
    "main_problems": "三、发现的主要问题",
    "typical_cases": "四、典型案例",
    "causes": "五、问题成因",
    "recommendations": "六、意见建议",
}


class Sections(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overview: str = Field(default="", max_length=20_000, title="基本情况")
    portrait: str = Field(default="", max_length=20_000, title="领导班子画像（政治画像）")
    main_problems: str = Field(
        default="",
        max_length=50_000,
        title="发现的主要问题",
        description="可留空：导出时列出问题清单",
    )
    typical_cases: str = Field(default="", max_length=20_000, title="典型案例")
    causes: str = Field(default="", max_length=20_000, title="问题成因")
    recommendations: str = Field(default="", max_length=20_000, title="意见建议")


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ReportKind = Field(title="报告类型")
    assignment_id: uuid.UUID | None = Field(default=None, title="巡察任务编号（巡察报告）")
    round_id: uuid.UUID | None = Field(default=None, title="轮次编号（综合报告）")
    township_org_id: uuid.UUID | None = Field(default=None, title="乡镇编号（综合报告）")
    title: str = Field(min_length=1, max_length=200, title="标题")
    sections: Sections = Field(default_factory=Sections, title="正文各部分")


class ReportUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200, title="标题")
    sections: Sections | None = Field(default=None, title="正文各部分")


class ReviewWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["pass", "return"] = Field(
        title="审核意见", description="pass 通过；return 退回修改"
    )
    comments: str | None = Field(default=None, max_length=5000, title="审核意见说明")


class ReportRead(BaseModel):
    id: uuid.UUID = Field(title="报告编号")
    kind: ReportKind = Field(title="报告类型")
    jurisdiction: str = Field(title="管辖范围")
    round_id: uuid.UUID = Field(title="轮次编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    org_id: uuid.UUID = Field(title="被巡察对象（综合报告为乡镇）")
    assignment_id: uuid.UUID | None = Field(title="巡察任务编号")
    title: str = Field(title="标题")
    sections: Sections = Field(title="正文各部分")
    status: ReportStatus = Field(title="状态")
    review_comments: str | None = Field(title="纪委审核意见")
    problem_count: int = Field(title="涉及问题数")
    submitted_at: datetime | None = Field(title="提交时间")
    reviewed_by: str | None = Field(title="审核人")
    reviewed_at: datetime | None = Field(title="审核时间")
    approved_by: str | None = Field(title="审定人")
    approved_at: datetime | None = Field(title="审定时间")
    version: int = Field(title="版本号")
    created_by: str = Field(title="起草人")
    created_at: datetime = Field(title="起草时间")


class ReportPage(Page[ReportRead]):
    pass

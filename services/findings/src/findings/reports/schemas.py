"""API schemas of inspection reports (巡察报告)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.findings import ReportKind
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch


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
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "assignment",
                    "assignment_id": "5453d645-90b1-4501-b6b6-b7fa604f9b56",
                    "title": "关于对赵堡镇陈家沟村党支部的巡察报告",
                    "sections": {
                        "overview": "根据县委统一部署，县委第二巡察组于2026年9月7日至11月6日"
                        "对陈家沟村党支部开展巡察，个别谈话42人次，走访农户63户，"
                        "召开乡村夜话2场，查阅资料286份。",
                        "portrait": "村“两委”班子团结，抓文旅产业有思路，但民主决策意识不强，"
                        "重大事项“一言堂”现象仍有发生。",
                        "main_problems": "一是村集体“三资”管理不规范；二是惠民政策落实有偏差；"
                        "三是村务公开不及时。",
                        "typical_cases": "2025年村内道路硬化工程未经“四议两公开”，"
                        "实际路面厚度与合同约定相差近一半。",
                        "causes": "镇党委对村级监督不到位，村务监督委员会作用发挥不充分。",
                        "recommendations": "建议镇党委督促村党支部逐项整改，"
                        "县农业农村局加强村级财务监管。",
                    },
                }
            ]
        },
    )

    kind: ReportKind = Field(title="报告类型")
    assignment_id: uuid.UUID | None = Field(default=None, title="巡察任务编号（巡察报告）")
    round_id: uuid.UUID | None = Field(default=None, title="轮次编号（综合报告）")
    township_org_id: uuid.UUID | None = Field(default=None, title="乡镇编号（综合报告）")
    title: str = Field(min_length=1, max_length=200, title="标题")
    sections: Sections = Field(default_factory=Sections, title="正文各部分")


class ReportUpdate(Patch):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "关于对赵堡镇陈家沟村党支部的巡察报告（修改稿）",
                    "sections": {
                        "overview": "根据县委统一部署，县委第二巡察组于2026年9月7日至11月6日"
                        "对陈家沟村党支部开展巡察，个别谈话42人次，走访农户63户。",
                        "portrait": "村“两委”班子团结，但民主决策意识不强。",
                        "main_problems": "",
                        "typical_cases": "2025年村内道路硬化工程未经“四议两公开”，"
                        "涉及工程款86400元。",
                        "causes": "镇党委对村级监督不到位，村务监督委员会作用发挥不充分。",
                        "recommendations": "建议镇党委督促村党支部逐项整改，"
                        "县纪委监委对相关问题线索依规依纪处置。",
                    },
                }
            ]
        },
    )

    title: str | None = Field(default=None, min_length=1, max_length=200, title="标题")
    sections: Sections | None = Field(default=None, title="正文各部分")


class ReviewWrite(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "decision": "return",
                    "comments": "典型案例中的涉及金额与问题底稿不一致，请核对后修改；"
                    "问题成因分析偏重客观，请补充班子主体责任方面的原因。",
                }
            ]
        },
    )

    decision: Literal["pass", "return"] = Field(
        title="审核意见", description="pass 通过；return 退回修改"
    )
    comments: str | None = Field(default=None, max_length=5000, title="审核意见说明")


class ReviewEntry(BaseModel):
    decision: Literal["pass", "return"] = Field(
        title="审核意见", description="pass 通过；return 退回修改"
    )
    comments: str | None = Field(default=None, title="审核意见说明")
    reviewed_by: str = Field(title="审核人")
    reviewer_name: str = Field(default="", title="审核人姓名")
    reviewed_at: datetime = Field(title="审核时间")


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
    reviews: list[ReviewEntry] = Field(
        title="纪委审核记录", description="每次审核（通过或退回）按时间先后"
    )
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

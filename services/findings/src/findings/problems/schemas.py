"""API schemas of problems, evidence and annotations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from xuncha_shared.events.clues import ClueStatus
from xuncha_shared.events.findings import FoundBy
from xuncha_shared.http import Page
from xuncha_shared.orgs import OrgKind
from xuncha_shared.patch import Patch

Yuan = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
Person = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
CategoryCode = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
]


class ProblemStatus(StrEnum):
    recorded = "recorded"
    """已记录"""
    handed_over = "handed_over"
    """已移交立行立改"""
    fed_back = "fed_back"
    """已反馈"""


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemFields(_Fields):
    category: CategoryCode = Field(title="问题类别代码", description="问题清单中的代码")
    description: str = Field(min_length=1, max_length=5000, title="问题描述")
    found_by: FoundBy = Field(title="发现方式")
    immediate: bool = Field(default=False, title="立行立改", description="是则立即移交被巡察党组织")
    livelihood: bool = Field(default=False, title="民生问题")
    amount_yuan: Yuan | None = Field(default=None, title="涉及金额（元）")
    people_involved: list[Person] = Field(default_factory=list, max_length=20, title="涉及人员")


class ProblemCreate(ProblemFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "assignment_id": "5453d645-90b1-4501-b6b6-b7fa604f9b56",
                    "category": "benefit_policies",
                    "description": "农村低保评审把关不严，村委会委员张某某、村报账员李某某的"
                    "2名近亲属不符合条件仍享受农村低保，2025年1月至2026年8月"
                    "共领取低保金11880元。",
                    "found_by": "visit",
                    "immediate": True,
                    "livelihood": True,
                    "amount_yuan": "11880.00",
                    "people_involved": ["张某某（村委会委员）", "李某某（村报账员）"],
                }
            ]
        }
    )

    assignment_id: uuid.UUID = Field(title="巡察任务编号")


class ProblemBatch(_Fields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "assignment_id": "5453d645-90b1-4501-b6b6-b7fa604f9b56",
                    "problems": [
                        {
                            "category": "village_assets",
                            "description": "村集体资金支出审批不规范，2025年以来7笔共86400元工程款"
                            "未经“四议两公开”程序，由村党支部书记一人签批。",
                            "found_by": "records",
                            "immediate": False,
                            "livelihood": False,
                            "amount_yuan": "86400.00",
                            "people_involved": ["王某某（村党支部书记）"],
                        },
                        {
                            "category": "living_environment",
                            "description": "人居环境整治不到位，村内3处坑塘垃圾长期未清运，"
                            "群众反映强烈。",
                            "found_by": "evening_talk",
                            "immediate": True,
                            "livelihood": True,
                        },
                    ],
                }
            ]
        }
    )

    assignment_id: uuid.UUID = Field(title="巡察任务编号")
    problems: list[ProblemFields] = Field(min_length=1, max_length=500, title="问题（最多500条）")


class ProblemUpdate(Patch):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "description": "村集体资金支出审批不规范，2025年以来9笔共112600元工程款"
                    "未经“四议两公开”程序，由村党支部书记一人签批。",
                    "found_by": "records",
                    "livelihood": False,
                    "amount_yuan": "112600.00",
                    "people_involved": ["王某某（村党支部书记）", "李某某（村报账员）"],
                }
            ]
        }
    )

    clearable = frozenset({"amount_yuan"})

    category: CategoryCode | None = Field(default=None, title="问题类别代码")
    description: str | None = Field(default=None, min_length=1, max_length=5000, title="问题描述")
    found_by: FoundBy | None = Field(default=None, title="发现方式")
    immediate: bool | None = Field(default=None, title="立行立改")
    livelihood: bool | None = Field(default=None, title="民生问题")
    amount_yuan: Yuan | None = Field(default=None, title="涉及金额（元）")
    people_involved: list[Person] | None = Field(default=None, max_length=20, title="涉及人员")


class ClueRef(BaseModel):
    clue_id: uuid.UUID = Field(title="线索编号")
    status: ClueStatus = Field(title="线索状态")


class EvidenceRead(BaseModel):
    sha256: str = Field(title="文件摘要（SHA-256）")
    filename: str = Field(title="文件名")
    size: int = Field(title="大小（字节）")
    media_type: str = Field(title="文件类型（按内容识别）")
    added_by: str = Field(title="上传人")
    added_at: datetime = Field(title="上传时间")


class ProblemRead(BaseModel):
    id: uuid.UUID = Field(title="问题编号")
    jurisdiction: str = Field(title="管辖范围")
    term_id: uuid.UUID = Field(title="届次编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    round_name: str | None = Field(title="轮次", description="尚未同步时为空")
    assignment_id: uuid.UUID = Field(title="巡察任务编号")
    group_id: uuid.UUID = Field(title="巡察组编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象", description="尚未同步时为空")
    org_kind: OrgKind = Field(title="被巡察对象类型")
    category: str = Field(title="问题类别代码")
    category_name: str = Field(title="问题类别")
    description: str = Field(title="问题描述")
    found_by: FoundBy = Field(title="发现方式")
    immediate: bool = Field(title="立行立改")
    livelihood: bool = Field(title="民生问题")
    amount_yuan: Decimal | None = Field(title="涉及金额（元）")
    people_involved: list[str] = Field(title="涉及人员")
    funds_project_id: uuid.UUID | None = Field(title="资金比对项目编号")
    source_report_id: uuid.UUID | None = Field(title="来源信访举报编号")
    status: ProblemStatus = Field(title="状态")
    handed_over_at: datetime | None = Field(title="移交时间")
    feedback_id: uuid.UUID | None = Field(title="反馈编号")
    fed_back_at: datetime | None = Field(title="反馈时间")
    clues: list[ClueRef] = Field(title="由此提出的线索（仅编号和状态）")
    evidence: list[EvidenceRead] = Field(title="证据材料")
    version: int = Field(title="版本号")
    created_by: str = Field(title="记录人")
    created_at: datetime = Field(title="记录时间")
    updated_at: datetime = Field(title="修改时间")


class ProblemPage(Page[ProblemRead]):
    pass


class BatchResult(BaseModel):
    created: int = Field(title="新增问题数")
    handed_over: int = Field(title="其中立行立改移交数")
    ids: list[uuid.UUID] = Field(title="问题编号")


class AnnotationCreate(_Fields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "text": "请补充2025年度低保金发放花名册和银行代发明细，"
                    "核实涉及金额后再提交书记专题会。"
                }
            ]
        }
    )

    text: str = Field(min_length=1, max_length=2000, title="批注")


class AnnotationRead(BaseModel):
    id: uuid.UUID = Field(title="批注编号")
    problem_id: uuid.UUID = Field(title="问题编号")
    text: str = Field(title="批注")
    created_by: str = Field(title="批注人")
    created_at: datetime = Field(title="时间")

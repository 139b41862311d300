"""Village classification's API schemas: the method (ClassConfig*), classifications
(VillageClassification*), steps (Step*) and counts."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.planning import VillageApproach, VillageClass
from xuncha_shared.http import Page

from planning.villages.rules import ClassificationRules, Judgement
from planning.villages.workflow import Stage, Step

MAX_COUNT = 100_000
MAX_BATCH = 500

# 温县's method as revised in 2026: petitions weigh most, problems found before more than
# the default, and only villages scoring 25 or less (and judged good) are advanced.
RULES_EXAMPLE: dict[str, Any] = {
    "collective_income": {
        "weight": "20",
        "bands": [
            {"min": "0", "points": 10},
            {"min": "100000", "points": 30},
            {"min": "500000", "points": 60},
            {"min": "1000000", "points": 100},
        ],
    },
    "petitions": {
        "weight": "30",
        "bands": [
            {"min": "0", "points": 0},
            {"min": "1", "points": 30},
            {"min": "3", "points": 60},
            {"min": "6", "points": 100},
        ],
    },
    "prior_problems": {
        "weight": "25",
        "bands": [
            {"min": "0", "points": 0},
            {"min": "1", "points": 30},
            {"min": "4", "points": 60},
            {"min": "8", "points": 100},
        ],
    },
    "assets": {
        "weight": "15",
        "bands": [
            {"min": "0", "points": 10},
            {"min": "1000000", "points": 30},
            {"min": "5000000", "points": 60},
            {"min": "20000000", "points": 100},
        ],
    },
    "judgement": {
        "weight": "10",
        "good": 0,
        "ordinary": 40,
        "concerning": 100,
        "concerning_is_key": True,
        "advanced_needs_good": True,
    },
    "thresholds": {"key_min": "60", "advanced_max": "25"},
}
# 陈家沟村 of 赵堡镇 as its township enters it: a rich village with several petitions.
INDICATORS_EXAMPLE: dict[str, Any] = {
    "collective_income": "1286500.00",
    "petitions": 4,
    "prior_problems": 3,
    "assets": "18650000.00",
    "judgement": "ordinary",
    "judgement_reason": "村“两委”班子团结但议事决策不够规范，旅游收入和集体土地租赁费"
    "未按季度公开，群众对财务公开有意见。",
}


class ClassConfigUpdate(BaseModel):
    """A new version of the jurisdiction's method; it replaces the one in force."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "rules": RULES_EXAMPLE,
                    "note": "2026 年 11 月领导小组会议修订：提高“以往发现问题”权重，"
                    "先进村最高得分调整为 25 分",
                }
            ]
        },
    )

    rules: ClassificationRules = Field(
        title="分类办法", description="四项定量指标、定性评价与分类标准"
    )
    note: str | None = Field(default=None, max_length=200, title="修订说明")


class ClassConfigRead(BaseModel):
    """The method in force (or a past version) and where it comes from."""

    jurisdiction: str = Field(title="管辖范围")
    basis: Literal["office", "default"] = Field(
        title="来源", description="office：巡察办制定；default：系统默认办法（尚未制定）"
    )
    version: int | None = Field(default=None, title="版本号", description="默认办法没有版本号")
    rules: ClassificationRules = Field(title="分类办法")
    approaches: dict[VillageClass, VillageApproach] = Field(
        title="各类别的巡察方式", description="重点村直接巡，一般村延伸巡，先进村调研巡"
    )
    note: str | None = Field(default=None, title="修订说明")
    created_at: datetime | None = Field(default=None, title="制定时间")
    created_by: str | None = Field(default=None, title="制定人")


ClassConfigPage = Page[ClassConfigRead]


class IndicatorsInput(BaseModel):
    """The four measured indicators (四定量) and the judgement (一定性) of a village."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    collective_income: Decimal = Field(
        ge=0, max_digits=16, decimal_places=2, title="村集体经济收入（元/年）"
    )
    petitions: int = Field(ge=0, le=MAX_COUNT, title="信访举报（件）", description="近三年件数")
    prior_problems: int = Field(
        ge=0, le=MAX_COUNT, title="以往发现问题（个）", description="以往巡察、审计等发现的问题数"
    )
    assets: Decimal = Field(ge=0, max_digits=18, decimal_places=2, title="三资规模（元）")
    judgement: Judgement = Field(
        title="定性评价", description="good 好 / ordinary 一般 / concerning 较差"
    )
    judgement_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        title="评价理由",
        description="评价为“一般”或“较差”时必填",
    )


class VillageClassificationCreate(IndicatorsInput):
    """A village's indicators for a term, entered by its township or by the office."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "term_id": "a20e9aa2-157d-4b15-9343-200ababbd3c2",
                    "village_id": "465b8d27-a324-46e2-b20c-0d746288aa4d",
                    **INDICATORS_EXAMPLE,
                }
            ]
        },
    )

    term_id: uuid.UUID = Field(title="届次编号")
    village_id: uuid.UUID = Field(title="村（社区）编号")


class IndicatorsUpdate(IndicatorsInput):
    """Corrected indicators; the score and the class it gives are computed again."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    **INDICATORS_EXAMPLE,
                    "petitions": 6,
                    "judgement_reason": "巡察办实地调研核实：近三年信访举报 6 件（乡镇原报 4 件），"
                    "集体土地租赁费未按季度公开，群众对财务公开有意见。",
                }
            ]
        },
    )


class StepCreate(BaseModel):
    """One step of the five, with the class it proposes and why."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "step": "field_research",
                    "proposed_class": "key",
                    "note": "实地调研发现该村集体收入和“三资”规模较大，近三年信访举报 6 件，"
                    "财务公开不及时，建议列为重点村直接巡。",
                }
            ]
        },
    )

    step: Step = Field(
        title="环节",
        description="township_proposal 乡镇提名 / field_research 巡察办实地调研 / "
        "department_opinions 相关部门意见 / leadership_adjustment 领导小组调整 / "
        "committee_approval 党委审定",
    )
    proposed_class: VillageClass = Field(
        title="意见类别", description="key 重点村 / general 一般村 / advanced 先进村"
    )
    note: str | None = Field(default=None, min_length=1, max_length=1000, title="意见说明")


class BatchStepEntry(BaseModel):
    """One village of a batch step."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    classification_id: uuid.UUID = Field(title="村分类编号")
    proposed_class: VillageClass = Field(title="意见类别")
    note: str | None = Field(default=None, min_length=1, max_length=1000, title="意见说明")


class BatchStepCreate(BaseModel):
    """The same step for many villages at once (a meeting's decisions), all or nothing."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "step": "committee_approval",
                    "entries": [
                        {
                            "classification_id": "390155cb-409e-4456-a2fd-f0708ec425e8",
                            "proposed_class": "key",
                            "note": "县委书记专题会审定为重点村，直接巡",
                        },
                        {
                            "classification_id": "64b4b4fb-f3f0-4988-a709-e6badbed4c22",
                            "proposed_class": "general",
                            "note": "县委书记专题会审定为一般村，随赵堡镇延伸巡",
                        },
                        {
                            "classification_id": "d9ed3311-b454-41e4-99f6-02343177d432",
                            "proposed_class": "advanced",
                            "note": "县委书记专题会审定为先进村，调研巡",
                        },
                    ],
                }
            ]
        },
    )

    step: Step = Field(title="环节")
    entries: list[BatchStepEntry] = Field(min_length=1, max_length=MAX_BATCH, title="各村意见")


class StepRead(BaseModel):
    """A step taken: what was proposed, by whom, in which role, when."""

    seq: int = Field(title="序号")
    step: Step = Field(title="环节")
    step_label: str = Field(title="环节名称")
    proposed_class: VillageClass = Field(title="意见类别")
    note: str | None = Field(title="意见说明")
    actor: str = Field(title="经办人账号")
    actor_name: str = Field(title="经办人")
    role: str = Field(title="身份")
    at: datetime = Field(title="时间")


class ScoreItemRead(BaseModel):
    item: str = Field(title="指标")
    label_zh: str = Field(title="指标名称")
    value: str = Field(title="取值")
    value_en: str = Field(title="取值（英文）")
    band_zh: str = Field(title="所在档次")
    points: int = Field(title="风险分")
    weight: Decimal = Field(title="权重（%）")
    contribution: Decimal = Field(title="得分贡献")


class ScorecardRead(BaseModel):
    """The score and the class it gives, with the reasoning in words."""

    score: Decimal = Field(title="得分", description="0–100，越高越需直接巡")
    scored_class: VillageClass = Field(title="测算类别")
    suggested_approach: VillageApproach = Field(title="建议巡察方式")
    reason_code: str = Field(title="分类依据代码")
    items: list[ScoreItemRead] = Field(title="逐项得分")
    explanation_zh: str = Field(title="得分说明")
    explanation_en: str = Field(title="得分说明（英文）")
    config_version: int | None = Field(title="所用办法版本", description="为空表示系统默认办法")


class VillageClassificationSummary(BaseModel):
    """A classification as lists show it."""

    id: uuid.UUID = Field(title="编号")
    term_id: uuid.UUID = Field(title="届次编号")
    village_id: uuid.UUID = Field(title="村（社区）编号")
    village_code: str = Field(title="村（社区）编码")
    village_name: str = Field(title="村（社区）")
    township_id: uuid.UUID | None = Field(title="乡镇（街道）编号")
    township_name: str | None = Field(title="乡镇（街道）")
    score: Decimal = Field(title="得分")
    scored_class: VillageClass = Field(title="测算类别")
    stage: Stage = Field(title="当前环节")
    stage_label: str = Field(title="当前环节名称")
    proposed_class: VillageClass | None = Field(title="最新意见类别")
    village_class: VillageClass | None = Field(title="审定类别", description="党委审定后才有")
    approach: VillageApproach | None = Field(title="巡察方式", description="党委审定后才有")
    approved_at: datetime | None = Field(title="审定时间")
    version: int = Field(title="版本号")
    updated_at: datetime = Field(title="更新时间")


class VillageClassificationRead(VillageClassificationSummary):
    """A classification with its indicators, scorecard and steps."""

    collective_income: Decimal = Field(title="村集体经济收入（元/年）")
    petitions: int = Field(title="信访举报（件）")
    prior_problems: int = Field(title="以往发现问题（个）")
    assets: Decimal = Field(title="三资规模（元）")
    judgement: Judgement = Field(title="定性评价")
    judgement_reason: str | None = Field(title="评价理由")
    indicators_by: str = Field(title="指标录入人")
    indicators_at: datetime = Field(title="指标录入时间")
    scorecard: ScorecardRead = Field(title="得分与测算")
    steps: list[StepRead] = Field(title="五步程序记录")
    next_steps: list[Step] = Field(title="可进行的下一环节")
    approved_by: str | None = Field(title="审定经办人")
    created_at: datetime = Field(title="录入时间")
    created_by: str = Field(title="录入人")


VillageClassificationPage = Page[VillageClassificationSummary]


class BatchStepResult(BaseModel):
    """What a batch step recorded."""

    step: Step = Field(title="环节")
    recorded: int = Field(title="已记录村数")
    approved: int = Field(title="本次审定村数")
    items: list[VillageClassificationSummary] = Field(title="各村结果")


class VillageClassCounts(BaseModel):
    """Where a term's classification stands: entered, per step, per class."""

    term_id: uuid.UUID = Field(title="届次编号")
    township_id: uuid.UUID | None = Field(default=None, title="乡镇（街道）编号")
    villages: int = Field(title="村（社区）数", description="在巡察范围内的村和社区")
    entered: int = Field(title="已录入指标")
    not_entered: int = Field(title="未录入指标")
    approved: int = Field(title="已审定")
    unapproved: int = Field(title="已录入未审定")
    by_stage: dict[Stage, int] = Field(title="按环节")
    by_scored_class: dict[VillageClass, int] = Field(title="按测算类别")
    by_class: dict[VillageClass, int] = Field(title="按审定类别")
    by_approach: dict[VillageApproach, int] = Field(title="按巡察方式")

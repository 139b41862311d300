"""The rating's API shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.rectification import Rating
from xuncha_shared.http import Page


class FactorRead(BaseModel):
    key: str = Field(title="因素代码")
    name_zh: str = Field(title="因素")
    share: float = Field(title="得分率", description="0–1")
    weight: float = Field(title="权重")
    points: float = Field(title="得分")
    explanation_zh: str = Field(title="说明")


class PanelJudgement(BaseModel):
    """The rating panel's (量化评估组) judgement, as the office records it."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "rating": "fair",
                    "members": "县委巡察办王某、县纪委监委李某、县委组织部张某",
                    "judged_on": "2026-08-20",
                    "opinion": "整改报告已公开，但两项任务验收后群众仍有反映，评为“中”。",
                }
            ]
        },
    )

    rating: Rating = Field(title="评估组评定等次", description="good 好；fair 中；poor 差")
    members: str = Field(
        min_length=1, max_length=500, title="评估组成员", description="参加评定的单位和人员"
    )
    judged_on: date = Field(title="评定日期")
    opinion: str | None = Field(default=None, min_length=1, max_length=2000, title="评估意见")


class RatingAdjustment(BaseModel):
    """The office's adjustment of the final rating; the reason is required."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"rating": "poor", "reason": "评定后查实该单位存在虚假整改问题，调整为“差”。"}
            ]
        },
    )

    rating: Rating = Field(title="调整后等次", description="good 好；fair 中；poor 差")
    reason: str = Field(min_length=1, max_length=1000, title="调整理由")


class PanelJudgementRead(BaseModel):
    rating: Rating = Field(title="评估组评定等次")
    members: str = Field(title="评估组成员")
    judged_on: date = Field(title="评定日期")
    opinion: str | None = Field(default=None, title="评估意见")
    recorded_at: datetime = Field(title="录入时间")
    recorded_by: str = Field(title="录入人")


class AdjustmentRead(BaseModel):
    rating: Rating = Field(title="调整后等次")
    reason: str = Field(title="调整理由")
    adjusted_at: datetime = Field(title="调整时间")
    adjusted_by: str = Field(title="调整人")


class RatingRead(BaseModel):
    """An org's rating for a round, with each factor explained."""

    model_config = ConfigDict(from_attributes=True)

    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(default=None, title="被巡察对象名称")
    rating: Rating = Field(
        title="公式评定等次", description="按评分公式评定：good 好；fair 中；poor 差"
    )
    final_rating: Rating = Field(
        title="最终等次",
        description="巡察办调整的等次，否则量化评估组评定的等次，否则公式评定的等次",
    )
    score: float = Field(title="得分")
    factors: list[FactorRead] = Field(title="各项因素")
    explanation_zh: str = Field(title="评定说明")
    rated_at: datetime = Field(title="评定时间")
    rated_by: str = Field(title="评定人", description="system 为集中整改期结束后自动评定")
    panel: PanelJudgementRead | None = Field(
        default=None,
        title="量化评估组评定",
        description="未评定时为空；仅巡察办、领导小组、纪委监委、组织部可见",
    )
    adjustment: AdjustmentRead | None = Field(
        default=None,
        title="等次调整",
        description="未调整时为空；仅巡察办、领导小组、纪委监委、组织部可见",
    )
    revisit_zh: str | None = Field(
        default=None,
        title="回头看建议",
        description="最终等次为“差”时建议开展整改“回头看”，并说明理由",
    )
    version: int = Field(title="版本", description="与 ETag 相同，调整时放在 If-Match 中")


RatingPage = Page[RatingRead]

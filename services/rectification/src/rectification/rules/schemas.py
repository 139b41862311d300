"""The rules' API schemas: what a jurisdiction may set, with documented defaults."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Workdays = Annotated[int, Field(ge=0, le=250)]
Weight = Annotated[float, Field(ge=0, le=100)]


class RatingWeights(BaseModel):
    """Weights of the rating factors (量化评估); they need not sum to 100."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on_time: Weight = Field(default=30, title="按期完成率权重")
    acceptance: Weight = Field(default=35, title="验收通过率权重")
    rejections: Weight = Field(default=15, title="验收退回情况权重")
    disclosure: Weight = Field(default=10, title="整改公开权重")
    institutions: Weight = Field(default=10, title="建章立制权重")

    @model_validator(mode="after")
    def _some_weight(self) -> Self:
        if sum(self.model_dump().values()) <= 0:
            raise ValueError("at least one weight must be positive")
        return self


class Rules(BaseModel):
    """Everything a jurisdiction may set; every field has a documented default."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "plan_due_workdays": 15,
                    "period_months": 1,
                    "report_due_workdays": 5,
                    "immediate_due_workdays": 10,
                    "warn_workdays_before": 3,
                    "yellow_lag_margin": 0.2,
                    "red_overdue_workdays": 10,
                    "red_rejections": 2,
                    "supervision_workdays": 5,
                    "interview_workdays": 10,
                    "weights": {
                        "on_time": 30,
                        "acceptance": 35,
                        "rejections": 15,
                        "disclosure": 10,
                        "institutions": 10,
                    },
                    "good_score": 85,
                    "fair_score": 60,
                    "issuer": "中共温县县委巡察工作领导小组办公室",
                    "issuer_short": "温",
                    "institutions_per_task": 0.2,
                }
            ]
        },
    )

    plan_due_workdays: Workdays = Field(
        default=15, title="整改方案报送期限（工作日）", description="自反馈之日起"
    )
    period_months: int = Field(
        default=1, ge=1, le=12, title="集中整改期（月）", description="自反馈之日起；温县为 1 个月"
    )
    report_due_workdays: Workdays = Field(
        default=5, title="整改报告报送期限（工作日）", description="集中整改期结束后"
    )
    immediate_due_workdays: Workdays = Field(
        default=10, title="立行立改问题默认期限（工作日）", description="自移交之日起"
    )
    warn_workdays_before: Workdays = Field(default=3, title="到期前提醒（工作日）")
    yellow_lag_margin: float = Field(
        default=0.2,
        ge=0,
        le=1,
        title="黄牌：完成率落后于时间进度的幅度",
        description="完成率比已过去的整改期比例低出此值即亮黄牌（0.2 即 20 个百分点）",
    )
    red_overdue_workdays: Workdays = Field(default=10, title="红牌：逾期超过（工作日）")
    red_rejections: int = Field(default=2, ge=1, le=20, title="红牌：同一任务验收退回次数")
    supervision_workdays: Workdays = Field(default=5, title="红牌后现场督导期限（工作日）")
    interview_workdays: Workdays = Field(default=10, title="红牌后约谈期限（工作日）")
    weights: RatingWeights = Field(default_factory=RatingWeights, title="评估权重")
    good_score: float = Field(default=85, ge=0, le=100, title="评为“好”的最低分")
    fair_score: float = Field(default=60, ge=0, le=100, title="评为“中”的最低分")
    issuer: str = Field(
        default="县委巡察工作领导小组办公室",
        min_length=1,
        max_length=60,
        title="发文机关",
        description="文书落款，如 中共温县县委巡察工作领导小组办公室",
    )
    issuer_short: str = Field(
        default="县",
        min_length=1,
        max_length=8,
        title="发文机关简称",
        description="文号前缀，如 温",
    )
    institutions_per_task: float = Field(
        default=0.1, gt=0, le=5, title="每项任务应建制度数", description="建章立制得分的基数"
    )

    @model_validator(mode="after")
    def _thresholds(self) -> Self:
        if self.fair_score > self.good_score:
            raise ValueError("fair_score must not exceed good_score")
        return self


class RulesRead(BaseModel):
    """The rules in force for a jurisdiction."""

    jurisdiction: str = Field(title="管辖范围")
    rules: Rules = Field(title="规则")
    is_default: bool = Field(title="是否系统默认值")
    version: int | None = Field(default=None, title="版本号")
    updated_at: datetime | None = Field(default=None, title="修改时间")
    updated_by: str | None = Field(default=None, title="修改人")

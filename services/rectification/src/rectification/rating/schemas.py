"""The rating's API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

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


class RatingRead(BaseModel):
    """An org's rating for a round, with each factor explained."""

    model_config = ConfigDict(from_attributes=True)

    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(default=None, title="被巡察对象名称")
    rating: Rating = Field(title="评定等次", description="good 好；fair 中；poor 差")
    score: float = Field(title="得分")
    factors: list[FactorRead] = Field(title="各项因素")
    explanation_zh: str = Field(title="评定说明")
    rated_at: datetime = Field(title="评定时间")
    rated_by: str = Field(title="评定人", description="system 为集中整改期结束后自动评定")
    revisit_zh: str | None = Field(
        default=None, title="回头看建议", description="评为“差”时建议开展整改“回头看”，并说明理由"
    )


RatingPage = Page[RatingRead]

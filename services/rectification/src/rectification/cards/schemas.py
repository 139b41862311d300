"""Cards' API shapes: a card with the supervision and interview it brought, and the office's
record of one done."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.events.rectification import CardColor
from xuncha_shared.http import Page


class ActionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="编号")
    kind: str = Field(title="类型", description="supervision 现场督导；interview 约谈")
    due_on: date = Field(title="期限")
    done_on: date | None = Field(title="完成日期")
    note: str | None = Field(title="情况说明")


class CardRead(BaseModel):
    id: uuid.UUID = Field(title="预警编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    color: CardColor = Field(title="预警等级")
    reason_zh: str = Field(title="预警理由")
    raised_at: datetime = Field(title="发出时间")
    escalated_at: datetime | None = Field(title="升级为红牌时间")
    lifted_at: datetime | None = Field(title="解除时间")
    actions: list[ActionRead] = Field(title="督导与约谈")


CardPage = Page[CardRead]


class ActionDone(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "done_on": "2027-01-21",
                    "note": "县委巡察办会同县纪委监委第三监督检查室赴赵堡镇现场督导，"
                    "查阅整改台账，走访3个村，督促对逾期的4项任务制定补救措施。",
                }
            ]
        },
    )

    done_on: date = Field(title="完成日期")
    note: str | None = Field(default=None, max_length=4000, title="情况说明")

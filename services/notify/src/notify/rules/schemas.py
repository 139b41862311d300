"""API schemas of the routing rules: RuleWrite / RuleRead, and the event types a rule may
name (from the catalog)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from notify.rules.spec import ALL_CHANNELS, Audience, Channel, Scalar
from notify.schemas import NO_NUL


class RuleSource(StrEnum):
    default = "default"
    """系统默认规则"""
    override = "override"
    """本辖区修改过的默认规则"""
    custom = "custom"
    """本辖区新增的规则"""


class RuleWrite(BaseModel):
    """A rule as the office sets it (replaces the default of the same key, or adds one)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "event_type": "xuncha.rectification.card.raised.v1",
                    "description": "红牌预警：告知被巡察党组织、巡察办、领导小组，"
                    "同时告知县纪委监委和县委组织部，安排现场督导和约谈",
                    "conditions": {"color": "red"},
                    "audiences": [
                        {"kind": "org", "field": "org_id"},
                        {"kind": "role", "role": "office"},
                        {"kind": "role", "role": "leadership"},
                        {"kind": "role", "role": "discipline"},
                        {"kind": "role", "role": "organization"},
                    ],
                    "channels": ["inbox", "webhook", "email"],
                    "active": True,
                }
            ]
        },
    )

    event_type: str = Field(min_length=1, max_length=200, title="事件类型")
    description: str = Field(default="", max_length=500, pattern=NO_NUL, title="说明")
    conditions: dict[Annotated[str, Field(min_length=1, max_length=64)], Scalar] = Field(
        default_factory=dict,
        max_length=10,
        title="条件",
        description='事件字段取值相等时才通知，如 {"outcome": "forwarded"}',
    )
    audiences: list[Audience] = Field(min_length=1, max_length=10, title="受众")
    channels: list[Channel] = Field(
        default_factory=lambda: list(ALL_CHANNELS), min_length=1, max_length=3, title="渠道"
    )
    active: bool = Field(default=True, title="是否启用")


class RuleRead(BaseModel):
    """An effective rule of the caller's jurisdiction."""

    key: str = Field(title="规则键")
    event_type: str = Field(title="事件类型")
    event_title: str = Field(title="事件名称")
    description: str = Field(title="说明")
    conditions: dict[str, Scalar] = Field(title="条件")
    audiences: list[Audience] = Field(title="受众")
    channels: list[Channel] = Field(title="渠道")
    active: bool = Field(title="是否启用")
    source: RuleSource = Field(title="来源")
    version: int | None = Field(
        default=None, title="版本号", description="本辖区保存过才有；修改时作 If-Match"
    )
    updated_at: datetime | None = Field(default=None, title="修改时间")
    updated_by: str | None = Field(default=None, title="修改人")


class RuleList(BaseModel):
    items: list[RuleRead] = Field(title="规则")


class EventTypeRead(BaseModel):
    """An event type of the catalog and the fields a rule may use."""

    type: str = Field(title="事件类型")
    title_zh: str = Field(title="事件名称")
    fields: list[str] = Field(title="字段（可作条件）")
    org_fields: list[str] = Field(title="可作单位受众的字段")
    account_fields: list[str] = Field(title="可作个人受众的字段")
    confidential: bool = Field(title="是否保密（线索）")


class EventTypeList(BaseModel):
    items: list[EventTypeRead] = Field(title="事件类型")

"""API schemas of the jurisdiction's findings settings."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

_EXAMPLE: JsonDict = {
    "issuer_short": "温",
    "issuer_name": "中共温县县委巡察工作领导小组",
    "letter_reply_workdays": 15,
    "forward_reply_workdays": 10,
    "similarity_threshold": 65,
    "feedback_copy_org_ids": [
        "9bcee300-ecba-422e-9012-9ac0021ea386",
        "06a839c8-f4fe-489e-9743-d160014a21da",
    ],
}


class SettingsWrite(BaseModel):
    """The settings the office sets."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    issuer_short: str = Field(
        min_length=1, max_length=8, title="发文机关代字", description="文号前缀，如“温”"
    )
    issuer_name: str = Field(min_length=1, max_length=64, title="发文机关名称")
    letter_reply_workdays: int = Field(ge=1, le=120, title="函件回复期限（工作日）")
    forward_reply_workdays: int = Field(ge=1, le=120, title="转办回复期限（工作日）")
    similarity_threshold: int = Field(
        ge=30, le=100, title="共性问题相似度阈值", description="0-100，越大越严格"
    )
    feedback_copy_org_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=10,
        title="反馈同步抄送单位",
        description="纪委监委、组织部",
    )


class SettingsRead(SettingsWrite):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**_EXAMPLE, "jurisdiction": "410825", "is_default": False, "version": 2}]
        }
    )

    issuer_short: str = Field(
        max_length=8, title="发文机关代字", description="未设置时为空：文号不带机关代字"
    )
    jurisdiction: str = Field(title="管辖范围")
    is_default: bool = Field(title="是否系统默认值")
    version: int | None = Field(default=None, title="版本号")

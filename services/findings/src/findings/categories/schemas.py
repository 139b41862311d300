"""API schemas of the problem list (问题清单)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.orgs import OrgKind


class CategoryRead(BaseModel):
    code: str = Field(title="类别代码")
    name: str = Field(title="类别名称")
    org_kinds: list[OrgKind] = Field(title="适用对象类型", description="为空表示全部类型")
    sort_order: int = Field(title="排序")
    active: bool = Field(title="是否启用")
    is_default: bool = Field(title="是否系统默认")


class CategoryWrite(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "高标准农田建设",
                    "org_kinds": ["township", "village"],
                    "sort_order": 95,
                    "active": True,
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=64, title="类别名称")
    org_kinds: list[OrgKind] = Field(default_factory=list, max_length=6, title="适用对象类型")
    sort_order: int = Field(default=500, ge=0, le=100_000, title="排序")
    active: bool = Field(default=True, title="是否启用")

"""Bodies of a jurisdiction's sign-in policy."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PolicyWrite(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"totp_required": True}]}
    )

    totp_required: bool = Field(
        title="要求两步验证",
        description="开启后，巡察办、领导小组、纪委监委的账号登录须带动态验证码",
    )


class PolicyRead(BaseModel):
    jurisdiction: str = Field(title="管辖范围")
    totp_required: bool = Field(title="要求两步验证")
    version: int | None = Field(title="版本号", description="为空表示尚未设置，使用默认策略")
    updated_at: datetime | None = Field(title="修改时间")
    updated_by: str | None = Field(title="修改人")

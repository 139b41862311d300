"""Bodies of single sign-on."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SsoConfig(BaseModel):
    enabled: bool = Field(title="是否开启单点登录")
    display_name: str | None = Field(title="身份平台名称")
    issuer: str | None = Field(title="身份平台签发方", description="OpenID Connect 发现文档所在")
    client_id: str | None = Field(title="工作台在身份平台的客户端编号")
    scope: str | None = Field(title="申请的范围")


class SsoExchange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"token": "eyJhbGciOiJSUzI1NiIsImtpZCI6Ik4..."}]},
    )

    token: str = Field(
        min_length=1,
        max_length=16_384,
        title="身份平台的访问令牌",
        description="工作台以授权码加 PKCE 从身份平台取得",
    )

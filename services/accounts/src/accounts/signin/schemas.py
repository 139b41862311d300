"""Bodies of sign-in, refresh, sign-out, password setup and the signed-in person."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

ACCOUNT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$"


class Credentials(BaseModel):
    """An account and its password."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"account": "wx.xcb.zhangyan", "password": "Wenxian-2026#xcb"}]
        },
    )

    account: str = Field(min_length=1, max_length=128, title="账号")
    password: str = Field(min_length=1, max_length=1024, title="密码")


class SignIn(Credentials):
    totp: str | None = Field(
        default=None,
        pattern=r"^[0-9]{6}$",
        title="动态验证码",
        description="开启两步验证的账号必填：验证器应用显示的 6 位数字",
    )


class EnrollmentRequest(Credentials):
    """Who sets up a second factor before their first sign-in."""


class TokenPair(BaseModel):
    access_token: str = Field(title="访问令牌", description="放在 Authorization: Bearer 中")
    token_type: str = Field(default="Bearer", title="令牌类型")
    expires_in: int = Field(title="访问令牌有效秒数")
    refresh_token: str = Field(title="刷新令牌", description="只能用一次，换取新的一对令牌")
    refresh_expires_in: int = Field(title="刷新令牌有效秒数")


class Refresh(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"refresh_token": "r1.hQ2yq0mN8b7dFv3sXkJpTzLw"}]},
    )

    refresh_token: str = Field(min_length=1, max_length=256, title="刷新令牌")


class PasswordSetup(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "account": "wx.zbz.machunhua",
                    "code": "K7Q2M9XH4TPA",
                    "password": "Zhaobao-2026#town",
                }
            ]
        },
    )

    account: str = Field(min_length=1, max_length=128, title="账号")
    code: str = Field(min_length=1, max_length=64, title="一次性设置码")
    password: str = Field(min_length=1, max_length=1024, title="新密码")


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"current": "Wenxian-2026#xcb", "password": "Wenxian-2027#xcb"}]
        },
    )

    current: str = Field(min_length=1, max_length=1024, title="当前密码")
    password: str = Field(min_length=1, max_length=1024, title="新密码")


class TotpEnrollment(BaseModel):
    secret: str = Field(title="密钥", description="手工录入验证器应用时使用")
    uri: str = Field(title="otpauth 链接", description="生成二维码供验证器应用扫描")


class TotpCode(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"code": "492039"}]})

    code: str = Field(pattern=r"^[0-9]{6}$", title="动态验证码")


class Me(BaseModel):
    account: str = Field(title="账号")
    display_name: str = Field(title="姓名")
    roles: list[str] = Field(title="角色")
    roles_zh: list[str] = Field(title="角色（中文）")
    org_id: str | None = Field(title="所属单位编号")
    jurisdiction: str = Field(title="管辖范围")
    areas: list[str] = Field(title="可进入的工作台页面")
    home: str = Field(title="登录后首页")
    totp_enabled: bool = Field(title="是否已开启两步验证")
    platform_admin: bool = Field(title="平台管理员", description="可管理各辖区的账号")
    has_account: bool = Field(
        title="是否为平台账号", description="否：开发令牌或外部身份平台签发的令牌"
    )

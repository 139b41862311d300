"""Bodies of the account ledger (账号管理)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.auth import DEPARTMENT_ROLES, Role
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch

from accounts.signin.schemas import ACCOUNT_PATTERN

NAME_PATTERN = r"^[^\x00-\x1f\x7f]*$"
NAME_MAX_LENGTH = 50
MAX_ROLES = 8

ORG_ROLES = frozenset({Role.inspected, *DEPARTMENT_ROLES})
"""Roles that act for one org: their accounts must name it."""

_EXAMPLE: dict[str, Any] = {
    "account": "wx.zbz.machunhua",
    "display_name": "马春华",
    "roles": ["inspected"],
    "org_id": "0755060e-0901-497b-9131-75f7799b6afd",
}


class AccountCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXAMPLE]}
    )

    account: str = Field(pattern=ACCOUNT_PATTERN, title="账号", description="登录名，开通后不可改")
    display_name: str = Field(
        min_length=1, max_length=NAME_MAX_LENGTH, pattern=NAME_PATTERN, title="姓名"
    )
    roles: list[Role] = Field(min_length=1, max_length=MAX_ROLES, title="角色")
    org_id: uuid.UUID | None = Field(
        default=None, title="所属单位编号", description="被巡察党组织和各部门的账号必填"
    )
    cadre_id: uuid.UUID | None = Field(
        default=None, title="人才库人员编号", description="巡察组成员在人才库中的记录"
    )


class AccountUpdate(Patch):
    model_config = ConfigDict(
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"display_name": "马春华", "roles": ["inspected"]}]},
    )

    clearable = frozenset({"org_id", "cadre_id"})

    display_name: str | None = Field(
        default=None, min_length=1, max_length=NAME_MAX_LENGTH, pattern=NAME_PATTERN, title="姓名"
    )
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=MAX_ROLES, title="角色")
    org_id: uuid.UUID | None = Field(default=None, title="所属单位编号")
    cadre_id: uuid.UUID | None = Field(default=None, title="人才库人员编号")


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account: str = Field(title="账号")
    jurisdiction: str = Field(title="管辖范围")
    display_name: str = Field(title="姓名")
    roles: list[str] = Field(title="角色")
    org_id: uuid.UUID | None = Field(title="所属单位编号")
    cadre_id: uuid.UUID | None = Field(title="人才库人员编号")
    active: bool = Field(title="是否启用")
    platform_admin: bool = Field(title="平台管理员", description="可管理各辖区的账号")
    has_password: bool = Field(title="是否已设置密码")
    totp_enabled: bool = Field(title="是否已开启两步验证")
    locked_until: datetime | None = Field(title="锁定至")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="开通时间")
    updated_at: datetime = Field(title="修改时间")


class AccountPage(Page[AccountRead]):
    total: int = Field(title="符合条件的总数")


class SetupCodeIssued(BaseModel):
    account: str = Field(title="账号")
    code: str = Field(title="一次性设置码", description="只显示这一次；交给本人用于设置密码")
    expires_at: datetime = Field(title="有效期至")


class AccountImportReport(BaseModel):
    """The outcome of an import: all rows or none."""

    created: int = Field(title="新开通")
    updated: int = Field(title="已更新")
    unchanged: int = Field(title="未变")
    total: int = Field(title="总行数")


class SignInRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime = Field(title="时间")
    address: str = Field(title="地址")
    outcome: str = Field(
        title="结果",
        description="signed-in 登录、signed-out 退出、signed-out-everywhere 所有设备退出、"
        "bad-password 密码错误、bad-totp 验证码错误、totp-required 待输入验证码、"
        "totp-enrollment 待设置两步验证、locked 已锁定、disabled 已停用、"
        "refresh-reused 刷新令牌被重复使用",
    )


class SignInPage(Page[SignInRead]):
    pass

"""API schemas of the directory: PersonCreate / PersonUpdate / MyContactUpdate / PersonRead."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.account_names import AccountName
from xuncha_shared.auth import Role
from xuncha_shared.email_addresses import EmailAddress
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch

from notify.schemas import PLAIN


class PersonCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "account": "wx.jw.liuhaitao",
                    "display_name": "刘海涛",
                    "roles": ["discipline"],
                    "org_id": "6cd8939d-7852-45fc-879f-622fdd084fac",
                    "email": "liuhaitao@wenxian.example.com",
                    "daily_digest": True,
                    "active": True,
                }
            ]
        },
    )

    account: AccountName = Field(
        min_length=1, max_length=128, pattern=PLAIN, title="账号", description="令牌主体 sub"
    )
    display_name: str = Field(min_length=1, max_length=50, pattern=PLAIN, title="姓名")
    roles: list[Role] = Field(min_length=1, max_length=9, title="角色")
    org_id: uuid.UUID | None = Field(default=None, title="所属单位编号")
    email: EmailAddress | None = Field(default=None, title="电子邮箱")
    daily_digest: bool = Field(default=False, title="每日汇总", description="每天一封汇总邮件")
    active: bool = Field(default=True, title="是否启用")


class PersonUpdate(Patch):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "display_name": "刘海涛",
                    "roles": ["organization"],
                    "org_id": "6809faf5-23c2-4b66-829e-618a1e576698",
                    "email": "liuhaitao.zzb@wenxian.example.com",
                    "daily_digest": False,
                    "active": True,
                }
            ]
        },
    )

    clearable = frozenset({"org_id", "email"})

    display_name: str | None = Field(
        default=None, min_length=1, max_length=50, pattern=PLAIN, title="姓名"
    )
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=9, title="角色")
    org_id: uuid.UUID | None = Field(default=None, title="所属单位编号")
    email: EmailAddress | None = Field(default=None, title="电子邮箱")
    daily_digest: bool | None = Field(default=None, title="每日汇总")
    active: bool | None = Field(default=None, title="是否启用")


class MyContactUpdate(Patch):
    """What a person may change about themselves."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"email": "zhangli.xcb@wenxian.example.com", "daily_digest": True}]
        },
    )

    clearable = frozenset({"email"})

    email: EmailAddress | None = Field(default=None, title="电子邮箱", description="置空则不收邮件")
    daily_digest: bool | None = Field(default=None, title="每日汇总")


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account: str = Field(title="账号")
    jurisdiction: str = Field(title="管辖范围")
    display_name: str = Field(title="姓名")
    roles: list[str] = Field(title="角色")
    org_id: uuid.UUID | None = Field(title="所属单位编号")
    email: str | None = Field(title="电子邮箱")
    daily_digest: bool = Field(title="每日汇总")
    active: bool = Field(title="是否启用")
    version: int = Field(title="版本号")
    updated_at: datetime = Field(title="修改时间")


PersonPage = Page[PersonRead]

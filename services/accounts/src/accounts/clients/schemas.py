"""Bodies of department systems' service accounts (部门系统服务账号)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.auth import Role
from xuncha_shared.http import Page

CLIENT_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"
DepartmentRole = Literal[Role.discipline, Role.organization, Role.department]


class ClientCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "client_id": "wx-jwjw-xfjb",
                    "display_name": "县纪委监委信访举报系统",
                    "roles": ["discipline"],
                    "org_id": "0755060e-0901-497b-9131-75f7799b6afd",
                }
            ]
        },
    )

    client_id: str = Field(pattern=CLIENT_ID_PATTERN, title="客户端编号")
    display_name: str = Field(
        min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$", title="系统名称"
    )
    roles: list[DepartmentRole] = Field(
        min_length=1, max_length=3, title="部门角色", description="纪委监委、组织部或职能部门"
    )
    org_id: uuid.UUID = Field(title="所属部门编号", description="本辖区组织库中的部门")


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_id: str = Field(title="客户端编号")
    jurisdiction: str = Field(title="管辖范围")
    display_name: str = Field(title="系统名称")
    roles: list[str] = Field(title="部门角色")
    org_id: uuid.UUID = Field(title="所属部门编号")
    active: bool = Field(title="是否启用")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="开通时间")
    secret_rotated_at: datetime = Field(title="密钥更换时间")


class ClientSecretIssued(ClientRead):
    client_secret: str = Field(
        title="客户端密钥", description="只显示这一次；交给部门系统的管理员妥善保存"
    )


class ClientPage(Page[ClientRead]):
    pass


class ServiceToken(BaseModel):
    access_token: str = Field(title="访问令牌")
    token_type: str = Field(default="Bearer", title="令牌类型")
    expires_in: int = Field(title="有效秒数")

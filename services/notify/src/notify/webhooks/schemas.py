"""API schemas of webhook subscriptions: SubscriptionCreate / SubscriptionUpdate /
SubscriptionRead, and SubscriptionSecret (the secret, shown once)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field
from xuncha_shared.auth import Role
from xuncha_shared.http import Page
from xuncha_shared.patch import Patch

from notify.schemas import NO_NUL


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "org_id": "6cd8939d-7852-45fc-879f-622fdd084fac",
                    "url": "https://jwjw.wenxian.example.com/api/xuncha/notifications",
                    "event_types": [
                        "xuncha.planning.consultation.requested.v1",
                        "xuncha.planning.consultation.due_soon.v1",
                        "xuncha.clues.clue.transferred.v1",
                        "xuncha.clues.clue.reminder_issued.v1",
                        "xuncha.rectification.task.done_claimed.v1",
                    ],
                    "roles": ["discipline"],
                    "description": "县纪委监委信访举报和问题线索管理系统："
                    "接收函询、线索移交和整改验收通知",
                    "active": True,
                }
            ]
        },
    )

    org_id: uuid.UUID | None = Field(
        default=None,
        title="订阅单位编号",
        description="巡察办须填写；部门为本单位订阅时可不填（取令牌中的单位）",
    )
    url: AnyHttpUrl = Field(title="接收地址", description="http(s) 地址，收到 POST 请求")
    event_types: list[str] = Field(
        default_factory=list,
        max_length=100,
        title="事件类型",
        description="只接收这些事件类型的通知；为空表示全部",
    )
    roles: list[Role] = Field(
        default_factory=list,
        max_length=9,
        title="代表的角色",
        description="该单位承担的角色（如纪委监委 discipline）："
        "发给本辖区该角色的通知也推送到此地址。只有巡察办可以设置",
    )
    description: str = Field(default="", max_length=500, pattern=NO_NUL, title="说明")
    active: bool = Field(default=True, title="是否启用")


class SubscriptionUpdate(Patch):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "url": "https://jwjw.wenxian.example.com/api/v2/xuncha/notifications",
                    "event_types": [
                        "xuncha.planning.consultation.requested.v1",
                        "xuncha.planning.consultation.due_soon.v1",
                        "xuncha.planning.consultation.overdue.v1",
                        "xuncha.clues.clue.transferred.v1",
                        "xuncha.clues.clue.reminder_issued.v1",
                        "xuncha.clues.clue.supervision_issued.v1",
                        "xuncha.rectification.task.done_claimed.v1",
                    ],
                    "roles": ["discipline"],
                    "description": "县纪委监委信访举报和问题线索管理系统"
                    "（2027 年升级后的接收地址）",
                    "active": True,
                }
            ]
        },
    )

    url: AnyHttpUrl | None = Field(default=None, title="接收地址")
    event_types: list[str] | None = Field(default=None, max_length=100, title="事件类型")
    roles: list[Role] | None = Field(
        default=None, max_length=9, title="代表的角色", description="只有巡察办可以设置"
    )
    description: str | None = Field(default=None, max_length=500, pattern=NO_NUL, title="说明")
    active: bool | None = Field(default=None, title="是否启用")


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="订阅编号")
    jurisdiction: str = Field(title="管辖范围")
    org_id: uuid.UUID = Field(title="订阅单位编号")
    url: str = Field(title="接收地址")
    event_types: list[str] = Field(title="事件类型")
    roles: list[str] = Field(title="代表的角色")
    description: str = Field(title="说明")
    active: bool = Field(title="是否启用")
    version: int = Field(title="版本号")
    created_at: datetime = Field(title="创建时间")
    secret_rotated_at: datetime = Field(title="密钥生成时间")


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(
        title="签名密钥", description="只在创建和轮换时显示一次，请妥善保存（whsec_ 开头）"
    )


class SubscriptionSecret(BaseModel):
    id: uuid.UUID = Field(title="订阅编号")
    secret: str = Field(title="新签名密钥", description="只显示一次；旧密钥立即失效")
    secret_rotated_at: datetime = Field(title="密钥生成时间")
    version: int = Field(title="版本号")


SubscriptionPage = Page[SubscriptionRead]

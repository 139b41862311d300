"""API schemas of the inbox: InboxItem, pages, counts."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from xuncha_shared.http import Page


class InboxItem(BaseModel):
    id: uuid.UUID = Field(title="消息编号")
    seq: int = Field(title="序号", description="单调递增；实时推送的事件编号")
    event_id: uuid.UUID = Field(title="事件编号")
    event_type: str = Field(title="事件类型")
    event_title: str = Field(title="事件名称")
    subject: str = Field(title="事项编号")
    title: str = Field(title="标题")
    body: str = Field(title="内容")
    link: str = Field(title="链接", description="所涉记录的地址")
    audience_kind: str = Field(title="受众类型", description="role / org / account")
    audience_value: str = Field(title="受众")
    roles: list[str] = Field(
        default_factory=list,
        title="面向的角色",
        description="单位受众时只有该单位中具有这些角色的账号收到；个人受众为空",
    )
    created_at: datetime = Field(title="时间")
    read: bool = Field(title="是否已读")
    read_at: datetime | None = Field(default=None, title="阅读时间")


InboxPage = Page[InboxItem]


class UnreadCount(BaseModel):
    unread: int = Field(title="未读数")


class MarkedRead(BaseModel):
    marked: int = Field(title="本次标记为已读的条数")

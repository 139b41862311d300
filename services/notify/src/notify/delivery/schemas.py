"""API schemas of deliveries: DeliveryRead, AttemptRead, DeliveryDetail."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.http import Page


class DeliveryStatus(StrEnum):
    pending = "pending"
    """待发送（含等待重试）"""
    delivered = "delivered"
    """已送达"""
    dead = "dead"
    """已放弃（死信），可重放"""


class DeliveryChannel(StrEnum):
    webhook = "webhook"
    email = "email"


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempt: int = Field(title="第几次")
    at: datetime = Field(title="时间")
    ok: bool = Field(title="是否成功")
    status_code: int | None = Field(title="状态码", description="HTTP 状态码或 SMTP 回复码")
    error: str | None = Field(title="错误（截断）")
    duration_ms: int = Field(title="耗时（毫秒）")


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="投递编号", description="Webhook 的 webhook-id")
    channel: DeliveryChannel = Field(title="渠道")
    target: str = Field(title="目标", description="订阅编号或电子邮箱")
    subscription_id: uuid.UUID | None = Field(title="订阅编号")
    notification_id: uuid.UUID | None = Field(title="通知编号")
    event_id: uuid.UUID | None = Field(title="事件编号")
    event_type: str | None = Field(title="事件类型")
    account: str | None = Field(title="收件人账号")
    digest_day: date | None = Field(title="汇总日期", description="每日汇总邮件才有")
    status: DeliveryStatus = Field(title="状态")
    attempts: int = Field(title="已尝试次数")
    next_attempt_at: datetime = Field(title="下次尝试时间")
    last_status_code: int | None = Field(title="最近状态码")
    last_error: str | None = Field(title="最近错误")
    created_at: datetime = Field(title="创建时间")
    delivered_at: datetime | None = Field(title="送达时间")


class DeliveryDetail(DeliveryRead):
    attempt_log: list[AttemptRead] = Field(title="尝试记录")


DeliveryPage = Page[DeliveryRead]

"""Deliveries (one per channel target) and the log of their attempts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlmodel import Field

from notify.models import SCHEMA, Base

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"

WEBHOOK = "webhook"
EMAIL = "email"


class Delivery(Base, table=True):
    """One message to one target (a webhook subscription or an e-mail address), written
    with the notification in the consumer's transaction and sent by the dispatcher.

    Unique on (event, channel, target): a department with two audiences in one event, or a
    redelivered event, still gets one delivery. A digest has no event and is unique on
    (account, digest_day) instead.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "channel", "target"),
        UniqueConstraint("account", "digest_day"),
        Index(None, "status", "next_attempt_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    channel: str = Field(max_length=10)
    target: str = Field(sa_column=Column(Text, nullable=False))
    notification_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.notifications.id"), nullable=True
        ),
    )
    event_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(UUID(as_uuid=True), nullable=True)
    )
    event_type: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    subscription_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.subscriptions.id"), nullable=True, index=True
        ),
    )
    account: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    digest_day: date | None = None
    payload: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    status: str = Field(max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class DeliveryAttempt(Base, table=True):
    """One try of a delivery: when, the HTTP status or SMTP reply, the error (truncated)."""

    __tablename__ = "delivery_attempts"

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True)
    )
    delivery_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.deliveries.id"), nullable=False, index=True
        )
    )
    attempt: int = Field(sa_column=Column(Integer, nullable=False))
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    ok: bool
    status_code: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    duration_ms: int = 0

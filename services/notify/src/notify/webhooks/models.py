"""Webhook subscriptions of department systems."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from notify.models import Base


class Subscription(Base, table=True):
    """A department's endpoint: every notification for its org (of the listed event types,
    or all when none are listed) is POSTed there, signed with ``secret``."""

    __tablename__ = "subscriptions"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    org_id: uuid.UUID = Field(sa_column=Column(UUID(as_uuid=True), nullable=False, index=True))
    url: str = Field(sa_column=Column(Text, nullable=False))
    # Kept to sign each delivery (HMAC needs the key itself); shown to the caller only when
    # created or rotated.
    secret: str = Field(sa_column=Column(Text, nullable=False))
    event_types: list[str] = Field(sa_column=Column(ARRAY(Text), nullable=False))
    # Roles the org acts in (e.g. the discipline commission: ``discipline``): notifications
    # for those roles in the jurisdiction reach this endpoint too. Set by the office only.
    roles: list[str] = Field(sa_column=Column(ARRAY(String(20)), nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    active: bool = True
    deleted: bool = False
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    secret_rotated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(max_length=128)

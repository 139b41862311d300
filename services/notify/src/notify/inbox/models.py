"""Notifications (one per event, rule and audience) and their read state per account."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from notify.models import SCHEMA, Base

AUDIENCE_ROLE = "role"
AUDIENCE_ORG = "org"
AUDIENCE_ACCOUNT = "account"


class Notification(Base, table=True):
    """A message for one audience about one event: a role in the event's jurisdiction, an
    org (those whose token carries that org and one of the notification's ``roles``) or one
    account. Unique on the event, the
    rule and the audience, so a redelivered event adds nothing."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "rule_key", "audience_kind", "audience_value"),
        Index(None, "audience_kind", "audience_value", "seq"),
        Index(None, "jurisdiction", "seq"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, Identity(always=True), nullable=False, unique=True),
    )
    event_id: uuid.UUID = Field(sa_column=Column(UUID(as_uuid=True), nullable=False))
    event_type: str = Field(sa_column=Column(Text, nullable=False))
    event_time: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    jurisdiction: str = Field(max_length=32)
    rule_key: str = Field(max_length=64)
    audience_kind: str = Field(max_length=10)
    audience_value: str = Field(max_length=128)
    # The roles the notification is meant for (notify.rules.meant_for): an org audience
    # reaches only the org's accounts with one of them; a role audience names its role; an
    # account audience none (it is addressed to the account itself).
    roles: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(String(20)), nullable=False),
    )
    title: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    link: str = Field(sa_column=Column(Text, nullable=False))
    # False when the rule's channels leave out the inbox: the row still records the
    # notification its webhooks and e-mails hang off.
    in_inbox: bool = True
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class NotificationRead(Base, table=True):
    """An account has read a notification."""

    __tablename__ = "notification_reads"

    notification_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True),
            ForeignKey(f"{SCHEMA}.notifications.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    account: str = Field(sa_column=Column(String(128), primary_key=True))
    read_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

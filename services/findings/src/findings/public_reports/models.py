"""Tables of public reports (群众来信来电来访) and each round's announcement (巡察公告)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from findings.models import Base, ts


class Announcement(Base, table=True):
    """How the public can reach a round's groups while they are on site."""

    __tablename__ = "announcements"

    round_id: uuid.UUID = Field(primary_key=True)
    jurisdiction: str = Field(max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    phone: str | None = Field(default=None, max_length=40)
    mailbox: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=200)
    online_url: str | None = Field(default=None, max_length=300)
    version: int = 1
    updated_by: str = Field(max_length=128)
    updated_at: datetime = ts()


class PublicReport(Base, table=True):
    """One report from the public. ``receipt_hash`` is the SHA-256 of the receipt code
    (the code itself is shown once and never stored). When a report becomes a clue its
    content is erased here: it lives on only in the clues service."""

    __tablename__ = "public_reports"
    __table_args__ = (
        Index(None, "round_id", "received_at"),
        Index(None, "status", "reply_due_on"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    round_id: uuid.UUID
    org_id: uuid.UUID | None = None
    channel: str = Field(max_length=20)
    content: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    contact: str | None = Field(default=None, max_length=200)
    receipt_hash: str | None = Field(default=None, max_length=64, unique=True)
    status: str = Field(max_length=20)
    outcome: str | None = Field(default=None, max_length=20)
    problem_id: uuid.UUID | None = None
    clue_id: uuid.UUID | None = None
    forwarded_to_org_id: uuid.UUID | None = None
    reply_due_on: date | None = None
    reply_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    replied_at: datetime | None = ts(nullable=True)
    reply_overdue_emitted: bool = False
    no_action_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    redacted: bool = False
    entered_by: str | None = Field(default=None, max_length=128)
    received_at: datetime = ts()
    triaged_by: str | None = Field(default=None, max_length=128)
    triaged_at: datetime | None = ts(nullable=True)
    version: int = 1

"""The append-only audit log (PostgreSQL refuses UPDATE, DELETE and TRUNCATE on it)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Identity, Index
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from clues.models import Base


class AuditEntry(Base, table=True):
    """Who did what to which clue, when. ``detail`` holds ids, statuses and counts only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "jurisdiction", "at"), Index(None, "clue_id"))

    seq: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, Identity(always=True), primary_key=True),
    )
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    jurisdiction: str = Field(max_length=32)
    actor: str = Field(max_length=128)
    actor_roles: str = Field(max_length=200)
    actor_org_id: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=40)
    clue_id: uuid.UUID | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))

"""Institutions' table: the rules an org adopted because of a task's problem."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field

from rectification.models import SCHEMA, Base


class Institution(Base, table=True):
    """A rule or institution adopted because of a task's problem (建章立制)."""

    __tablename__ = "institutions"
    __table_args__ = (Index("ix_institutions_org", "jurisdiction", "org_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    task_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.tasks.id"), nullable=False, index=True
        )
    )
    plan_id: uuid.UUID
    jurisdiction: str = Field(max_length=32)
    round_id: uuid.UUID
    org_id: uuid.UUID
    name: str = Field(sa_column=Column(String(200), nullable=False))
    adopted_on: date
    doc_number: str | None = Field(default=None, max_length=64)
    recorded_at: datetime = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    recorded_by: str = Field(max_length=128)

"""Circulars' tables: a county-wide circular of typical cases (典型案例通报), drafted and then
published, and its cases, each referring to an org's rectification or one of its tasks."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field

from rectification.models import SCHEMA, Base, moment_field

# A circular's states: a draft the office edits, then published (it stays published).
DRAFT = "draft"
PUBLISHED = "published"


class Circular(Base, table=True):
    """One circular (通报) of the jurisdiction's office, to every org of the jurisdiction."""

    __tablename__ = "circulars"
    __table_args__ = (Index("ix_circulars_jurisdiction_issued", "jurisdiction", "issued_on"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    title: str = Field(max_length=200)
    issued_on: date
    opening: str | None = Field(default=None, sa_column=Column(String(2000)))
    status: str = Field(max_length=10)
    doc_number: str | None = Field(default=None, max_length=64)
    created_at: datetime = moment_field()
    created_by: str = Field(max_length=128)
    published_at: datetime | None = moment_field(nullable=True)
    published_by: str | None = Field(default=None, max_length=128)
    version: int = 1
    updated_at: datetime = moment_field()


class CircularCase(Base, table=True):
    """One typical case of a circular: whose rectification (the plan, and the task when the
    case is about one problem), what kind of failure, and the finding in a short text."""

    __tablename__ = "circular_cases"
    __table_args__ = (
        UniqueConstraint("circular_id", "position", name="uq_circular_cases_position"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    circular_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True),
            ForeignKey(f"{SCHEMA}.circulars.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    position: int
    kind: str = Field(max_length=12)
    plan_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.plans.id"), nullable=False)
    )
    task_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.tasks.id"), nullable=True),
    )
    org_id: uuid.UUID
    round_id: uuid.UUID
    finding: str = Field(sa_column=Column(String(500), nullable=False))
    added_at: datetime = moment_field()

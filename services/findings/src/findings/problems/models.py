"""Tables of problems (发现问题), their evidence and annotations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from findings.models import SCHEMA, Base, money, ts


class Problem(Base, table=True):
    """A problem a group found on an assignment.

    ``handed_over_at`` is set when an immediate problem goes to the org (立行立改);
    ``feedback_id`` once it is fed back, after which it is read-only but annotations."""

    __tablename__ = "problems"
    __table_args__ = (
        Index(None, "assignment_id", "created_at"),
        Index(None, "jurisdiction", "round_id", "category"),
        Index(None, "org_id"),
        # The problem list's keyset order (created_at, id), whole or by round.
        Index(None, "jurisdiction", "created_at", "id"),
        Index(None, "jurisdiction", "round_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    term_id: uuid.UUID
    round_id: uuid.UUID
    assignment_id: uuid.UUID
    group_id: uuid.UUID
    org_id: uuid.UUID
    org_kind: str = Field(max_length=20)
    category: str = Field(max_length=64)
    category_name: str = Field(max_length=64)
    description: str = Field(sa_column=Column(Text, nullable=False))
    found_by: str = Field(max_length=30)
    immediate: bool = False
    livelihood: bool = False
    amount_yuan: Decimal | None = money()
    people_involved: list[str] = Field(sa_column=Column(ARRAY(String(100)), nullable=False))
    funds_project_id: uuid.UUID | None = None
    source_report_id: uuid.UUID | None = None
    handed_over_at: datetime | None = ts(nullable=True)
    feedback_id: uuid.UUID | None = None
    fed_back_at: datetime | None = ts(nullable=True)
    version: int = 1
    created_by: str = Field(max_length=128)
    created_at: datetime = ts()
    updated_at: datetime = ts()


class ProblemEvidence(Base, table=True):
    """A file attached to a problem."""

    __tablename__ = "problem_evidence"

    problem_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.problems.id"), primary_key=True)
    )
    sha256: str = Field(
        sa_column=Column(
            String(64), ForeignKey(f"{SCHEMA}.evidence_files.sha256"), primary_key=True
        )
    )
    filename: str = Field(max_length=200)
    added_by: str = Field(max_length=128)
    added_at: datetime = ts()


class ProblemAnnotation(Base, table=True):
    """A note on a problem; the only change allowed after feedback."""

    __tablename__ = "problem_annotations"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    problem_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.problems.id"), nullable=False, index=True
        )
    )
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_by: str = Field(max_length=128)
    created_at: datetime = ts()

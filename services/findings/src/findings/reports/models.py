"""Table of inspection reports (巡察报告)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from findings.models import Base, ts


class Report(Base, table=True):
    """One report: per assignment, or comprehensive (a township with its villages).

    ``sections`` maps the section keys (overview, portrait, main_problems, typical_cases,
    causes, recommendations) to text; ``reviews`` keeps every review of discipline in order
    (decision, comments, who, when)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index(
            "uq_reports_assignment",
            "assignment_id",
            unique=True,
            postgresql_where=text("kind = 'assignment'"),
        ),
        Index(
            "uq_reports_comprehensive",
            "round_id",
            "org_id",
            unique=True,
            postgresql_where=text("kind = 'comprehensive'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    kind: str = Field(max_length=20)
    round_id: uuid.UUID
    group_id: uuid.UUID
    org_id: uuid.UUID
    assignment_id: uuid.UUID | None = None
    title: str = Field(max_length=200)
    sections: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    status: str = Field(max_length=20)
    review_comments: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reviews: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=Column(JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    )
    submitted_at: datetime | None = ts(nullable=True)
    reviewed_by: str | None = Field(default=None, max_length=128)
    reviewed_at: datetime | None = ts(nullable=True)
    approved_by: str | None = Field(default=None, max_length=128)
    approved_at: datetime | None = ts(nullable=True)
    version: int = 1
    created_by: str = Field(max_length=128)
    created_at: datetime = ts()
    updated_at: datetime = ts()

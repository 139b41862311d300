"""Change requests' table: an org's request to change a decided field of one of its tasks
(调整申请), and the office's decision."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field

from rectification.models import SCHEMA, Base, moment_field, text_field

# A request's states: open until the office approves or rejects it, or the org withdraws it.
OPEN = "open"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"


class ChangeRequest(Base, table=True):
    """One request (调整申请): the values asked for (None: that field is not asked to change),
    the task's values when it was filed, the reason, and the office's decision."""

    __tablename__ = "task_change_requests"
    __table_args__ = (
        # One open request per task at a time: the service answers 409 naming it; the index
        # holds the rule against two filings racing.
        Index(
            "uq_task_change_requests_one_open",
            "task_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_task_change_requests_jurisdiction_status", "jurisdiction", "status"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    task_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.tasks.id"), nullable=False, index=True
        )
    )
    plan_id: uuid.UUID
    jurisdiction: str = Field(max_length=32)
    round_id: uuid.UUID
    org_id: uuid.UUID = Field(index=True)
    status: str = Field(max_length=10)
    kind: str | None = Field(default=None, max_length=10)
    due_on: date | None = None
    measures: str | None = text_field()
    current_kind: str = Field(max_length=10)
    current_due_on: date | None = None
    current_measures: str | None = text_field()
    reason: str = Field(sa_column=Column(String(1000), nullable=False))
    filed_at: datetime = moment_field()
    filed_by: str = Field(max_length=128)
    decided_at: datetime | None = moment_field(nullable=True)
    decided_by: str | None = Field(default=None, max_length=128)
    opinion: str | None = Field(default=None, sa_column=Column(String(1000)))
    withdrawn_at: datetime | None = moment_field(nullable=True)
    version: int = 1
    updated_at: datetime = moment_field()

    def asked_fields(self) -> list[str]:
        """The fields asked to change, in the order kind, due_on, measures."""
        return [
            name
            for name, value in (
                ("kind", self.kind),
                ("due_on", self.due_on),
                ("measures", self.measures),
            )
            if value is not None
        ]

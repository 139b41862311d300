"""Plans' tables: the org's rectification plan for a round and the tasks it holds."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field

from rectification.models import Base, moment_field, ref_field, text_field

# A plan's states: opened by an immediate hand-over it waits for feedback; feedback gives
# it deadlines and the org drafts it; then it is submitted.
AWAITING_FEEDBACK = "awaiting_feedback"
DRAFTING = "drafting"
SUBMITTED = "submitted"


class Plan(Base, table=True):
    """One org's rectification plan (整改方案) for a round: opened by the first immediate
    hand-over or by feedback, whichever comes first; feedback sets its deadlines."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("round_id", "org_id", name="uq_plans_round_org"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    round_id: uuid.UUID
    org_id: uuid.UUID = Field(index=True)
    assignment_id: uuid.UUID | None = None
    feedback_id: uuid.UUID | None = None
    status: str = Field(max_length=20)
    opened_at: datetime = moment_field()
    feedback_at: datetime | None = moment_field(nullable=True)
    plan_due_on: date | None = None
    period_ends_on: date | None = None
    report_due_on: date | None = None
    submitted_at: datetime | None = moment_field(nullable=True)
    submitted_by: str | None = Field(default=None, max_length=128)
    version: int = 1
    updated_at: datetime = moment_field()


class Task(Base, table=True):
    """One problem to rectify (整改任务): the org's measures, people, deadline and state."""

    __tablename__ = "tasks"
    __table_args__ = (
        # The promotion check (干部任用必审) reads unaccepted tasks by owner, person or org.
        Index(
            "ix_tasks_owner_unaccepted",
            "owner_account",
            "due_on",
            postgresql_where=text("status <> 'accepted'"),
        ),
        Index(
            "ix_tasks_person_unaccepted",
            "responsible_person",
            "due_on",
            postgresql_where=text("status <> 'accepted'"),
        ),
        Index(
            "ix_tasks_org_unaccepted",
            "org_id",
            "due_on",
            postgresql_where=text("status <> 'accepted'"),
        ),
        Index("ix_tasks_jurisdiction_status_due", "jurisdiction", "status", "due_on"),
        # The task list's keyset order (opened_at, id), whole or by status.
        Index("ix_tasks_jurisdiction_opened_at_id", "jurisdiction", "opened_at", "id"),
        Index(
            "ix_tasks_jurisdiction_status_opened_at_id", "jurisdiction", "status", "opened_at", "id"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = ref_field("plans")
    jurisdiction: str = Field(max_length=32)
    round_id: uuid.UUID = Field(index=True)
    org_id: uuid.UUID
    problem_id: uuid.UUID = Field(sa_column=Column(UUID(as_uuid=True), nullable=False, unique=True))
    category: str = Field(max_length=64)
    category_name: str = Field(max_length=64)
    description: str = text_field(nullable=False)
    immediate: bool = False
    livelihood: bool = False
    kind: str = Field(max_length=10)
    measures: str | None = text_field()
    responsible_person: str | None = Field(default=None, max_length=50)
    owner_account: str | None = Field(default=None, max_length=128)
    owner_name: str | None = Field(default=None, max_length=50)
    due_on: date | None = None
    status: str = Field(max_length=10)
    rejections: int = 0
    claimed_at: datetime | None = moment_field(nullable=True)
    accepted_at: datetime | None = moment_field(nullable=True)
    accepted_by: str | None = Field(default=None, max_length=128)
    on_time: bool | None = None
    opened_at: datetime = moment_field()
    updated_at: datetime = moment_field()
    version: int = 1

    def is_overdue(self, today: date) -> bool:
        """Past its deadline and not accepted."""
        return self.status != "accepted" and self.due_on is not None and self.due_on < today

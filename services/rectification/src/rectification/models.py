"""Rectification tables, in schema ``rectification``: the projections it keeps, and the
plans, tasks, progress, reports, deadline notices, cards, ratings and institutions it owns.

All tables are declared here so the whole schema reads in one place; each area's package
(``plans/``, ``progress/``, ``cards/`` …) holds the logic that writes them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    PrimaryKeyConstraint,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlmodel import Field, SQLModel
from xuncha_shared.assignments import assignment_projection_tables
from xuncha_shared.calendar import calendar_projection_table
from xuncha_shared.db import service_registry
from xuncha_shared.documents import document_numbers_table, letter_templates_table
from xuncha_shared.messaging import messaging_tables
from xuncha_shared.projections import org_projection_table

SCHEMA = "rectification"


class Base(SQLModel, registry=service_registry(SCHEMA)):
    """Tables of this service's schema."""


MESSAGING = messaging_tables(Base.metadata)
ORGS = org_projection_table(Base.metadata, with_leader=True)
CALENDAR = calendar_projection_table(Base.metadata)
ASSIGNMENTS = assignment_projection_tables(Base.metadata)
DOCUMENT_NUMBERS = document_numbers_table(Base.metadata)
LETTER_TEMPLATES = letter_templates_table(Base.metadata)


def moment_field(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def text_field(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


def ref_field(table: str, *, unique: bool = False) -> Any:
    return Field(
        sa_column=Column(
            UUID(as_uuid=True),
            ForeignKey(f"{SCHEMA}.{table}.id"),
            nullable=False,
            index=not unique,
            unique=unique,
        )
    )


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


class ProgressEntry(Base, table=True):
    """A dated entry in a task's history: progress with evidence, a done claim with the
    truthfulness commitment, an acceptance or a rejection with reasons."""

    __tablename__ = "task_progress"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    task_id: uuid.UUID = ref_field("tasks")
    kind: str = Field(max_length=10)
    reported_on: date | None = None
    text: str = text_field(nullable=False)
    evidence: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False)
    )
    signed_by: str | None = Field(default=None, max_length=50)
    commitment: str | None = text_field()
    signed_at: datetime | None = moment_field(nullable=True)
    at: datetime = moment_field()
    by: str = Field(max_length=128)


class TaskFile(Base, table=True):
    """A file the org uploaded as evidence for one of its tasks (a photo from the phone, a
    scan, a document): content-addressed per task, stored once however often cited."""

    __tablename__ = "task_files"
    __table_args__ = (PrimaryKeyConstraint("task_id", "sha256"),)

    task_id: uuid.UUID = ref_field("tasks")
    sha256: str = Field(max_length=64)
    filename: str = Field(max_length=200)
    size: int
    media_type: str = Field(max_length=100)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    added_by: str = Field(max_length=128)
    added_at: datetime = moment_field()


class DeadlineNotice(Base, table=True):
    """One due-soon or overdue fact emitted, keyed by what, its deadline and the kind: the
    key makes each fact go out once, and a moved deadline a new key."""

    __tablename__ = "deadline_notices"
    __table_args__ = (PrimaryKeyConstraint("subject_id", "what", "notice", "due_on"),)

    subject_id: uuid.UUID
    what: str = Field(max_length=10)
    notice: str = Field(max_length=10)
    due_on: date
    plan_id: uuid.UUID
    emitted_at: datetime = moment_field()


class Card(Base, table=True):
    """A warning card (红黄牌预警) on an org's rectification for a round; at most one open."""

    __tablename__ = "cards"
    __table_args__ = (
        Index(
            "uq_cards_open_plan",
            "plan_id",
            unique=True,
            postgresql_where=text("lifted_at IS NULL"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    plan_id: uuid.UUID = ref_field("plans")
    round_id: uuid.UUID
    org_id: uuid.UUID
    color: str = Field(max_length=10)
    reason_zh: str = text_field(nullable=False)
    raised_at: datetime = moment_field()
    escalated_at: datetime | None = moment_field(nullable=True)
    lifted_at: datetime | None = moment_field(nullable=True)
    lifted_reason_zh: str | None = text_field()
    letter_number: str | None = Field(default=None, max_length=64)
    letter_on: date | None = None


class CardAction(Base, table=True):
    """What a red card brings on: on-site supervision (督导) and an interview (约谈)."""

    __tablename__ = "card_actions"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    card_id: uuid.UUID = ref_field("cards")
    kind: str = Field(max_length=12)
    due_on: date
    done_on: date | None = None
    note: str | None = text_field()
    recorded_by: str | None = Field(default=None, max_length=128)


class RatingRow(Base, table=True):
    """The latest rating (量化评估) of an org's rectification for a round."""

    __tablename__ = "ratings"

    plan_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.plans.id"), primary_key=True)
    )
    jurisdiction: str = Field(max_length=32, index=True)
    round_id: uuid.UUID
    org_id: uuid.UUID
    rating: str = Field(max_length=10)
    score: float
    factors: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    explanation_zh: str = text_field(nullable=False)
    rated_at: datetime = moment_field()
    rated_by: str = Field(max_length=128)

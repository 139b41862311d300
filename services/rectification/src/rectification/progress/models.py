"""Progress tables: a task's dated history and the evidence files the org uploaded."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, LargeBinary, PrimaryKeyConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from rectification.models import Base, moment_field, ref_field, text_field


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

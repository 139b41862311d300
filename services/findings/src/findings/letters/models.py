"""Tables of official letters (提醒函、建议书、督办函)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from findings.models import SCHEMA, Base, ts


class Letter(Base, table=True):
    """A numbered letter with its rendered .docx."""

    __tablename__ = "letters"
    __table_args__ = (Index(None, "reply_due_on", "replied_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    kind: str = Field(max_length=20)
    doc_number: str = Field(max_length=64, unique=True)
    title: str = Field(max_length=200)
    addressee_org_id: uuid.UUID = Field(index=True)
    addressee_name: str = Field(max_length=100)
    round_id: uuid.UUID | None = None
    term_id: uuid.UUID | None = None
    body: str = Field(sa_column=Column(Text, nullable=False))
    copy_to_accounts: list[str] = Field(sa_column=Column(ARRAY(String(128)), nullable=False))
    copy_to_names: list[str] = Field(sa_column=Column(ARRAY(String(100)), nullable=False))
    copy_to_org_ids: list[uuid.UUID] = Field(
        sa_column=Column(ARRAY(UUID(as_uuid=True)), nullable=False)
    )
    reply_due_on: date | None = None
    reply_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    replied_at: datetime | None = ts(nullable=True)
    replied_by: str | None = Field(default=None, max_length=128)
    overdue_emitted: bool = False
    docx: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sent_by: str = Field(max_length=128)
    sent_at: datetime = ts()
    version: int = 1


class LetterProblem(Base, table=True):
    """A problem a letter is about."""

    __tablename__ = "letter_problems"

    letter_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.letters.id"), primary_key=True)
    )
    problem_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.problems.id"), primary_key=True, index=True
        )
    )

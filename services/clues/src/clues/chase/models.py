"""Tables of the chase: a jurisdiction's handling limits and the letters issued."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, DateTime, LargeBinary, UniqueConstraint
from sqlmodel import Field

from clues.models import Base


def _ts() -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=False))


class DeadlineSettings(Base, table=True):
    """A jurisdiction's handling limits in working days; without a row the defaults apply."""

    __tablename__ = "deadline_settings"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    transfer_workdays: int
    receipt_workdays: int
    first_progress_workdays: int
    conclusion_workdays: int
    supervision_grace_workdays: int
    version: int = 1
    updated_at: datetime = _ts()
    updated_by: str = Field(max_length=128)


class ClueChaseLetter(Base, table=True):
    """A reminder (提醒函) or supervision letter (督办函) for one clue and stage.

    The unique constraint makes each (clue, stage, step) happen once, whatever reruns or
    replicas of the periodic job do.
    """

    __tablename__ = "chase_letters"
    __table_args__ = (UniqueConstraint("clue_id", "stage", "step"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    clue_id: uuid.UUID = Field(foreign_key="clues.clues.id", index=True)
    jurisdiction: str = Field(max_length=32)
    stage: str = Field(max_length=20)
    step: str = Field(max_length=20)
    due_on: date
    addressee_org_id: uuid.UUID | None = None
    addressee_account: str | None = Field(default=None, max_length=128)
    doc_number: str | None = Field(default=None, max_length=64)
    number: int
    year: int
    docx: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    issued_at: datetime = _ts()

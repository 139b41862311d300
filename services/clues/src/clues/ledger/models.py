"""The clue ledger's tables (线索管理台账). Confidential content is only in ``sealed``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Column, DateTime, Index, LargeBinary, Numeric
from sqlmodel import Field

from clues.models import Base


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _money(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Numeric(14, 2), nullable=nullable))


class Clue(Base, table=True):
    """One clue (问题线索) from proposal to closing (销号).

    ``sealed`` is a Fernet token of the person named (name, post, rank), the allegation and
    the evidence; nothing else in the row identifies or accuses anyone. Each stage's time
    is kept, so the chase and the figures derive from the row alone.
    """

    __tablename__ = "clues"
    __table_args__ = (
        Index(None, "jurisdiction", "status"),
        Index(None, "round_id"),
        Index(None, "recipient_org_id"),
        CheckConstraint(
            "(source_problem_id IS NULL) <> (source_report_id IS NULL)", name="one_source"
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    round_id: uuid.UUID
    term_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    source_problem_id: uuid.UUID | None = None
    source_report_id: uuid.UUID | None = None
    category: str = Field(max_length=32)
    priority: bool = False
    amount_yuan: Decimal | None = _money()
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = Field(max_length=20)
    keeper_account: str | None = Field(default=None, max_length=128)
    proposed_by: str = Field(max_length=128)
    proposed_at: datetime = _ts(nullable=False)
    # 会商研判 (joint assessment)
    reviewed_at: datetime | None = _ts()
    reviewed_by: str | None = Field(default=None, max_length=128)
    commission_leader: str | None = Field(default=None, max_length=100)
    office_reviewer: str | None = Field(default=None, max_length=100)
    supervision_room: str | None = Field(default=None, max_length=100)
    suggested_disposal: str | None = Field(default=None, max_length=32)
    suggested_form: int | None = None
    # 移交
    recipient_kind: str | None = Field(default=None, max_length=20)
    recipient_org_id: uuid.UUID | None = None
    transferred_at: datetime | None = _ts()
    transferred_by: str | None = Field(default=None, max_length=128)
    receipt_due_on: date | None = None
    returned_at: datetime | None = _ts()
    return_count: int = 0
    # 签收 and handling by the recipient
    accepted_at: datetime | None = _ts()
    accepted_by: str | None = Field(default=None, max_length=128)
    received_by_name: str | None = Field(default=None, max_length=100)
    disposal: str | None = Field(default=None, max_length=32)
    disposal_at: datetime | None = _ts()
    first_progress_at: datetime | None = _ts()
    last_progress_at: datetime | None = _ts()
    progress_count: int = 0
    # 办结: the outcome, counts only
    concluded_at: datetime | None = _ts()
    case_filed: bool | None = None
    persons_party_sanctioned: int | None = None
    persons_government_sanctioned: int | None = None
    persons_sanctioned: int | None = None
    organizational_handlings: int | None = None
    first_form: int | None = None
    second_form: int | None = None
    third_form: int | None = None
    fourth_form: int | None = None
    money_recovered_yuan: Decimal | None = _money()
    # 销号
    closed_at: datetime | None = _ts()
    closed_by: str | None = Field(default=None, max_length=128)
    version: int = 1
    updated_at: datetime = _ts(nullable=False)


class ClueNote(Base, table=True):
    """A free-text note on a clue (review opinion, return reason, progress report), sealed:
    people write names into notes."""

    __tablename__ = "clue_notes"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    clue_id: uuid.UUID = Field(foreign_key="clues.clues.id", index=True)
    kind: str = Field(max_length=20)
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    written_by: str = Field(max_length=128)
    written_at: datetime = _ts(nullable=False)

"""Tables of the pre-inspection consultation (巡前函询), in schema ``planning``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from planning.models import SCHEMA, Base


def _ts(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _fk(table: str, *, primary_key: bool = False) -> Any:
    return Field(
        sa_column=Column(
            UUID(as_uuid=True),
            ForeignKey(f"{SCHEMA}.{table}.id"),
            nullable=False,
            primary_key=primary_key,
            index=not primary_key,
        )
    )


class ConsultationSettings(Base, table=True):
    """A jurisdiction's rhythm for consultations; without a row the defaults apply."""

    __tablename__ = "consultation_settings"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    reply_workdays: int
    remind_workdays_before: int
    version: int = 1
    updated_at: datetime = _ts()
    updated_by: str = Field(max_length=128)


class Consultation(Base, table=True):
    """One request from the office to one department about the orgs of a round (函询).

    ``due_soon_notified_for`` and ``overdue_notified_for`` hold the deadline for which the
    reminder was last emitted, so each reminder goes out once per deadline, and again only
    after the office extends it.
    """

    __tablename__ = "consultations"
    __table_args__ = (Index(None, "status", "deadline_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    round_id: uuid.UUID = _fk("rounds")
    department_org_id: uuid.UUID = _fk("orgs")
    topics: list[str] = Field(sa_column=Column(ARRAY(String(30)), nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reply_workdays: int
    sent_at: datetime = _ts()
    due_on: date
    deadline_at: datetime = _ts()
    deadline_approximate: bool = False
    remind_at: datetime | None = _ts(nullable=True)
    status: str = Field(max_length=20)
    completed_at: datetime | None = _ts(nullable=True)
    closed_at: datetime | None = _ts(nullable=True)
    closed_by: str | None = Field(default=None, max_length=128)
    due_soon_notified_for: datetime | None = _ts(nullable=True)
    overdue_notified_for: datetime | None = _ts(nullable=True)
    # 催办: the office's chases, each one a ConsultationChased to the department.
    chase_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    chased_at: datetime | None = _ts(nullable=True)
    version: int = 1
    created_by: str = Field(max_length=128)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ConsultationOrg(Base, table=True):
    """An org asked about in a consultation, and the department's answer once given.

    ``version`` is 0 until the first answer; it is the answer's ETag afterwards.
    """

    __tablename__ = "consultation_orgs"

    consultation_id: uuid.UUID = _fk("consultations", primary_key=True)
    org_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.orgs.id"), primary_key=True, index=True
        )
    )
    severity: str | None = Field(default=None, max_length=10)
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    petition_count: int | None = None
    clue_count: int | None = None
    version: int = 0
    answered_at: datetime | None = _ts(nullable=True)
    answered_by: str | None = Field(default=None, max_length=128)
    entered_by_office: bool = False
    updated_at: datetime | None = _ts(nullable=True)

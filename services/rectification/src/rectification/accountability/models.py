"""Accountability's tables: a record (one case, 一起) about an org's rectification, and the
persons it holds accountable (人次), each a roster entry with the rank, name and post he had
when the record was made."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from rectification.models import SCHEMA, Base, moment_field


class AccountabilityRecord(Base, table=True):
    """One accountability case of the jurisdiction (一起): the org, what it concerns (a plan,
    some of its tasks, or the org alone), the failure, the deciding body, date and basis."""

    __tablename__ = "accountability_records"
    __table_args__ = (
        Index("ix_accountability_records_jurisdiction_decided", "jurisdiction", "decided_on"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    org_id: uuid.UUID = Field(index=True)
    round_id: uuid.UUID | None = None
    plan_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.plans.id"), nullable=True),
    )
    task_ids: list[uuid.UUID] = Field(
        default_factory=list, sa_column=Column(ARRAY(UUID(as_uuid=True)), nullable=False)
    )
    failure: str = Field(max_length=12)
    deciding_body: str = Field(max_length=20)
    decided_on: date
    basis: str = Field(sa_column=Column(String(1000), nullable=False))
    created_at: datetime = moment_field()
    created_by: str = Field(max_length=128)
    version: int = 1
    updated_at: datetime = moment_field()
    updated_by: str = Field(max_length=128)


class AccountablePerson(Base, table=True):
    """One person held accountable by a record (一人次): the roster entry, and the name, post
    and rank the roster gave him when the record was made or last corrected."""

    __tablename__ = "accountable_persons"
    __table_args__ = (
        UniqueConstraint("record_id", "member_id", name="uq_accountable_persons_member"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    record_id: uuid.UUID = Field(
        sa_column=Column(
            UUID(as_uuid=True),
            ForeignKey(f"{SCHEMA}.accountability_records.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    position: int
    member_id: uuid.UUID = Field(index=True)
    name: str = Field(max_length=50)
    post_title: str = Field(max_length=50)
    rank: str = Field(max_length=20)
    form: str = Field(max_length=30)

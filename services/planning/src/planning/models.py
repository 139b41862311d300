"""Planning's schema ``planning``: its base, the messaging tables, and the tables several
features share (orgs, terms, rounds, the pool's cadres, groups, members, assignments). A
table one feature alone uses is in that feature's ``models.py``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlmodel import Field, SQLModel
from xuncha_shared.db import service_registry
from xuncha_shared.messaging import messaging_tables

SCHEMA = "planning"


class Base(SQLModel, registry=service_registry(SCHEMA)):
    """Tables of this service's schema."""


MESSAGING = messaging_tables(Base.metadata)


class Org(Base, table=True):
    """An org in scope of a committee's inspections (被巡察对象)."""

    __tablename__ = "orgs"
    __table_args__ = (UniqueConstraint("jurisdiction", "code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=20, index=True)
    parent_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.orgs.id"), index=True),
    )
    contact_name: str | None = Field(default=None, max_length=50)
    contact_phone: str | None = Field(default=None, max_length=30)
    contact_email: str | None = Field(default=None, max_length=254)
    leader_account: str | None = Field(default=None, max_length=128)
    designation: str | None = Field(default=None, max_length=20)
    active: bool = True
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(sa_column=Column(String(128), nullable=False))


def ts_column(nullable: bool = False) -> Any:
    """A timezone-aware timestamp column."""
    return Field(sa_column=Column(DateTime(timezone=True), nullable=nullable))


def fk_column(table: str, *, nullable: bool = False, index: bool = True) -> Any:
    """A uuid column referring to ``table`` of this schema."""
    return Field(
        sa_column=Column(
            UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.{table}.id"), nullable=nullable, index=index
        )
    )


class Term(Base, table=True):
    """A committee's five-year term (届), whose plan must cover every org in scope once."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("jurisdiction", "name"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    name: str = Field(max_length=50)
    starts_on: date
    ends_on: date
    planned_rounds: int = Field(ge=1)
    version: int = 1
    created_at: datetime = ts_column()
    updated_at: datetime = ts_column()


class Round(Base, table=True):
    """A round of inspection (轮次) and where it stands in its lifecycle."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("term_id", "number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    term_id: uuid.UUID = fk_column("terms")
    number: int = Field(ge=1)
    name: str = Field(max_length=100)
    mode: str = Field(max_length=20)
    theme: str | None = Field(default=None, max_length=100)
    focus_checklist: list[str] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    # For escalated and cross rounds: the committee whose groups inspect (else the same).
    inspecting_jurisdiction: str | None = Field(default=None, max_length=32)
    status: str = Field(max_length=20, index=True)
    on_site_from: date
    on_site_until: date
    version: int = 1
    created_at: datetime = ts_column()
    updated_at: datetime = ts_column()


class Cadre(Base, table=True):
    """A cadre in the talent pool (巡察人才库)."""

    __tablename__ = "cadres"
    __table_args__ = (UniqueConstraint("jurisdiction", "code"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=50)
    # The platform account (token subject) of this cadre, so a group member sees his rounds.
    account: str | None = Field(default=None, max_length=128, index=True)
    unit_org_id: uuid.UUID | None = fk_column("orgs", nullable=True)
    unit_name: str = Field(max_length=100)
    specialties: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(String(30)), nullable=False)
    )
    home_township_id: uuid.UUID | None = fk_column("orgs", nullable=True)
    available: bool = True
    phone: str | None = Field(default=None, max_length=30)
    version: int = 1
    created_at: datetime = ts_column()
    updated_at: datetime = ts_column()


class InspectionGroup(Base, table=True):
    """An inspection group (巡察组) of a round."""

    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("round_id", "name"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = fk_column("rounds")
    name: str = Field(max_length=50)
    # Cross inspection: the jurisdiction the members come from (else the round's own).
    source_jurisdiction: str | None = Field(default=None, max_length=32)
    version: int = 1
    created_at: datetime = ts_column()


class GroupMember(Base, table=True):
    """A cadre's place in a group; a cadre is in at most one group per round."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("round_id", "cadre_id"),)

    group_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.groups.id"), primary_key=True)
    )
    cadre_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.cadres.id"), primary_key=True)
    )
    round_id: uuid.UUID = fk_column("rounds")
    role: str = Field(max_length=10)


class Assignment(Base, table=True):
    """Round × group × org (巡察任务), with the approach for villages."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("round_id", "org_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = fk_column("rounds")
    group_id: uuid.UUID = fk_column("groups")
    org_id: uuid.UUID = fk_column("orgs")
    approach: str | None = Field(default=None, max_length=10)
    created_at: datetime = ts_column()
    created_by: str = Field(max_length=128)

"""Planning's tables, in schema ``planning``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
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
    active: bool = True
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(sa_column=Column(String(128), nullable=False))


class CalendarYear(Base, table=True):
    """One year of a jurisdiction's holiday calendar as the office entered it (节假日安排).

    It replaces the chinese-calendar package's data for that year; the columns other than
    ``updated_by`` are those of the other services' projection, so ``load_calendar`` reads
    either table.
    """

    __tablename__ = "calendar_years"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    holidays: list[date] = Field(sa_column=Column(ARRAY(Date), nullable=False))
    workdays: list[date] = Field(sa_column=Column(ARRAY(Date), nullable=False))
    version: int = 1
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(sa_column=Column(String(128), nullable=False))


def _ts(nullable: bool = False) -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), nullable=nullable))


def _fk(table: str, *, nullable: bool = False, index: bool = True) -> Any:
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
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class TermOrg(Base, table=True):
    """An org in a term's scope (应巡对象)."""

    __tablename__ = "term_orgs"

    term_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.terms.id"), primary_key=True)
    )
    org_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.orgs.id"), primary_key=True)
    )


class Round(Base, table=True):
    """A round of inspection (轮次) and where it stands in its lifecycle."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("term_id", "number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    term_id: uuid.UUID = _fk("terms")
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
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class RoundTransition(Base, table=True):
    """Each move of a round from one stage to the next, with who and when."""

    __tablename__ = "round_transitions"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = _fk("rounds")
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    at: datetime = _ts()
    actor: str = Field(max_length=128)


class RoundBriefing(Base, table=True):
    """A briefing of the leadership group before, during or after a round (汇报)."""

    __tablename__ = "round_briefings"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = _fk("rounds")
    stage: str = Field(max_length=10)
    held_on: date
    summary: str = Field(max_length=4000)
    recorded_by: str = Field(max_length=128)
    created_at: datetime = _ts()


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
    unit_org_id: uuid.UUID | None = _fk("orgs", nullable=True)
    unit_name: str = Field(max_length=100)
    specialties: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(String(30)), nullable=False)
    )
    home_township_id: uuid.UUID | None = _fk("orgs", nullable=True)
    available: bool = True
    phone: str | None = Field(default=None, max_length=30)
    version: int = 1
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class CadrePost(Base, table=True):
    """A cadre's former (or current) post in an org, with dates."""

    __tablename__ = "cadre_posts"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    cadre_id: uuid.UUID = _fk("cadres")
    org_id: uuid.UUID = _fk("orgs")
    title: str = Field(max_length=100)
    started_on: date
    ended_on: date | None = None


class CadreRelative(Base, table=True):
    """A relative a cadre declared in an org (亲属关系), which bars him from inspecting it."""

    __tablename__ = "cadre_relatives"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    cadre_id: uuid.UUID = _fk("cadres")
    org_id: uuid.UUID = _fk("orgs")
    relation: str = Field(max_length=30)


class InspectionGroup(Base, table=True):
    """An inspection group (巡察组) of a round."""

    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("round_id", "name"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = _fk("rounds")
    name: str = Field(max_length=50)
    # Cross inspection: the jurisdiction the members come from (else the round's own).
    source_jurisdiction: str | None = Field(default=None, max_length=32)
    version: int = 1
    created_at: datetime = _ts()


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
    round_id: uuid.UUID = _fk("rounds")
    role: str = Field(max_length=10)


class Assignment(Base, table=True):
    """Round × group × org (巡察任务), with the approach for villages."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("round_id", "org_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = _fk("rounds")
    group_id: uuid.UUID = _fk("groups")
    org_id: uuid.UUID = _fk("orgs")
    approach: str | None = Field(default=None, max_length=10)
    created_at: datetime = _ts()
    created_by: str = Field(max_length=128)


class AvoidanceCheck(Base, table=True):
    """The kept result of one avoidance check (回避审查): who, when, which rule, outcome."""

    __tablename__ = "avoidance_checks"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = _fk("rounds")
    cadre_id: uuid.UUID = _fk("cadres")
    org_id: uuid.UUID = _fk("orgs")
    rule: str = Field(max_length=30)
    outcome: str = Field(max_length=10)
    detail: str = Field(max_length=500)
    checked_by: str = Field(max_length=128)
    checked_at: datetime = _ts()

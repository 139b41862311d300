"""Planning's tables, in schema ``planning``."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, UUID
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

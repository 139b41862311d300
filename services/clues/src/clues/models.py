"""Clues tables, in schema ``clues``: the projections the service keeps of other services.

The ledger's own tables live in the feature packages (``ledger``, ``chase``, ``audit``,
``recipient``); all share :class:`Base`, so one metadata holds the whole schema.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, PrimaryKeyConstraint, String, Table
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import SQLModel
from xuncha_shared.assignments import assignment_projection_tables
from xuncha_shared.calendar import calendar_projection_table
from xuncha_shared.db import service_registry
from xuncha_shared.documents import document_numbers_table, letter_templates_table
from xuncha_shared.messaging import messaging_tables
from xuncha_shared.projections import org_projection_table

SCHEMA = "clues"


class Base(SQLModel, registry=service_registry(SCHEMA)):
    """Tables of this service's schema."""


MESSAGING = messaging_tables(Base.metadata)
ORGS = org_projection_table(Base.metadata, with_designation=True)
CALENDAR = calendar_projection_table(Base.metadata)
ASSIGNMENTS = assignment_projection_tables(Base.metadata)
NUMBERS = document_numbers_table(Base.metadata)
TEMPLATES = letter_templates_table(Base.metadata)

# The sources a clue may reference, from findings' events: ids and where they belong only.
PROBLEMS = Table(
    "source_problems",
    Base.metadata,
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("jurisdiction", String(32), nullable=False),
    Column("assignment_id", UUID(as_uuid=True), nullable=False),
    Column("round_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True), nullable=False),
    Column("org_id", UUID(as_uuid=True), nullable=False),
    PrimaryKeyConstraint("id", name="pk_source_problems"),
)
REPORTS = Table(
    "source_reports",
    Base.metadata,
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("jurisdiction", String(32), nullable=False),
    Column("round_id", UUID(as_uuid=True), nullable=False),
    Column("org_id", UUID(as_uuid=True)),
    PrimaryKeyConstraint("id", name="pk_source_reports"),
    Index("ix_source_reports_round", "round_id"),
)

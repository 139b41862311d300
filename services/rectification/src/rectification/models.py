"""Rectification's schema ``rectification``: its base, the projections it keeps (orgs with
their leaders, the leadership roster, the holiday calendar, rounds and assignments), its
messaging, document numbers and letter templates, and the column helpers the features'
tables share.

Each feature declares its own tables in its ``models.py`` (``plans/``, ``progress/``,
``cards/`` …); :func:`load_all` imports them all so the metadata is complete.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field, SQLModel
from xuncha_shared.assignments import assignment_projection_tables
from xuncha_shared.calendar import calendar_projection_table
from xuncha_shared.db import service_registry
from xuncha_shared.documents import document_numbers_table, letter_templates_table
from xuncha_shared.messaging import messaging_tables
from xuncha_shared.projections import org_projection_table
from xuncha_shared.roster_projection import roster_projection_table

SCHEMA = "rectification"


class Base(SQLModel, registry=service_registry(SCHEMA)):
    """Tables of this service's schema."""


MESSAGING = messaging_tables(Base.metadata)
ORGS = org_projection_table(Base.metadata, with_leader=True)
ROSTER = roster_projection_table(Base.metadata)
CALENDAR = calendar_projection_table(Base.metadata)
ASSIGNMENTS = assignment_projection_tables(Base.metadata)
DOCUMENT_NUMBERS = document_numbers_table(Base.metadata)
LETTER_TEMPLATES = letter_templates_table(Base.metadata)


def moment_field(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def text_field(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


def ref_field(table: str, *, unique: bool = False) -> Any:
    return Field(
        sa_column=Column(
            UUID(as_uuid=True),
            ForeignKey(f"{SCHEMA}.{table}.id"),
            nullable=False,
            index=not unique,
            unique=unique,
        )
    )


def load_all() -> None:
    """Import every feature's tables (for migrations and the app)."""
    import rectification.accountability.models
    import rectification.cards.models
    import rectification.change_requests.models
    import rectification.circulars.models
    import rectification.deadlines.models
    import rectification.institutions.models
    import rectification.plans.models
    import rectification.progress.models
    import rectification.rating.models
    import rectification.reports.models
    import rectification.rules.models  # noqa: F401

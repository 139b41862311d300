"""Findings tables, in schema ``findings``.

The feature packages (``problems``, ``public_reports`` …) declare their tables on
:class:`Base`; :func:`load_all` imports them so the metadata is complete. Here are only what
every feature shares: the base, the projections of other services' records (planning's orgs,
calendar and assignments; the clue links learned from the clues service's events, read by
problems and public reports alike) and the column helpers.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, DateTime, Index, Numeric
from sqlmodel import Field, SQLModel
from xuncha_shared.assignments import assignment_projection_tables
from xuncha_shared.calendar import calendar_projection_table
from xuncha_shared.db import service_registry
from xuncha_shared.documents import document_numbers_table, letter_templates_table
from xuncha_shared.messaging import messaging_tables
from xuncha_shared.projections import org_projection_table

SCHEMA = "findings"


class Base(SQLModel, registry=service_registry(SCHEMA)):
    """Tables of this service's schema."""


MESSAGING = messaging_tables(Base.metadata)
ORGS = org_projection_table(Base.metadata)
CALENDAR = calendar_projection_table(Base.metadata)
ASSIGNMENTS = assignment_projection_tables(Base.metadata)
DOCUMENT_NUMBERS = document_numbers_table(Base.metadata)
LETTER_TEMPLATES = letter_templates_table(Base.metadata)


def ts(nullable: bool = False) -> Any:
    """A timezone-aware timestamp column."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


def money(nullable: bool = True) -> Decimal | None:
    """An amount in yuan, to the fen."""
    return Field(default=None, sa_column=Column(Numeric(18, 2), nullable=nullable))  # type: ignore[no-any-return]


class ClueLink(Base, table=True):
    """A clue that came from a problem or a public report: ids and status only, and the
    group that proposed it (a report's text is erased only for a clue its round's group
    proposed from it)."""

    __tablename__ = "clue_links"
    __table_args__ = (
        Index(None, "source_problem_id"),
        Index(None, "source_report_id"),
    )

    clue_id: uuid.UUID = Field(primary_key=True)
    jurisdiction: str = Field(max_length=32)
    source_problem_id: uuid.UUID | None = None
    source_report_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    status: str = Field(max_length=20)
    version: int
    updated_at: datetime = ts()


def load_all() -> None:
    """Import every feature package's tables (for migrations and the app)."""
    import findings.categories.models
    import findings.evidence.models
    import findings.feedback.models
    import findings.funds.models
    import findings.letters.models
    import findings.problems.models
    import findings.public_reports.models
    import findings.reports.models
    import findings.settings.models  # noqa: F401

"""Findings tables, in schema ``findings``.

The feature packages (``problems``, ``public_reports`` …) declare their tables on
:class:`Base`; :func:`load_all` imports them so the metadata is complete.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime
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


def load_all() -> None:
    """Import every feature package's tables (for migrations and the app)."""
    import findings.common.models
    import findings.feedback.models
    import findings.letters.models
    import findings.problems.models
    import findings.public_reports.models
    import findings.reports.models  # noqa: F401

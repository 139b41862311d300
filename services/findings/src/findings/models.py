"""Findings tables, in schema ``findings``."""

from __future__ import annotations

from sqlmodel import SQLModel
from xuncha_shared.calendar import calendar_projection_table
from xuncha_shared.db import service_registry
from xuncha_shared.messaging import messaging_tables
from xuncha_shared.projections import org_projection_table

SCHEMA = "findings"


class Base(SQLModel, registry=service_registry(SCHEMA)):
    """Tables of this service's schema."""


MESSAGING = messaging_tables(Base.metadata)
ORGS = org_projection_table(Base.metadata)
CALENDAR = calendar_projection_table(Base.metadata)

"""Rectification tables, in schema ``rectification``."""

from __future__ import annotations

from xuncha_shared.db import service_base
from xuncha_shared.messaging import messaging_tables
from xuncha_shared.projections import org_projection_table

SCHEMA = "rectification"
Base = service_base(SCHEMA)
MESSAGING = messaging_tables(Base.metadata)
ORGS = org_projection_table(Base.metadata)

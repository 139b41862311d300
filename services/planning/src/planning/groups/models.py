"""The groups' own table: every avoidance check kept."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field

from planning.models import Base, fk_column, ts_column


class AvoidanceCheck(Base, table=True):
    """The kept result of one avoidance check (回避审查): who, when, which rule, outcome."""

    __tablename__ = "avoidance_checks"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = fk_column("rounds")
    cadre_id: uuid.UUID = fk_column("cadres")
    org_id: uuid.UUID = fk_column("orgs")
    rule: str = Field(max_length=30)
    outcome: str = Field(max_length=10)
    detail: str = Field(max_length=500)
    checked_by: str = Field(max_length=128)
    checked_at: datetime = ts_column()

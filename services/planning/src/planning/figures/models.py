"""The figures projection: one row per countable fact that another service reported."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Column, Date, Index, Numeric, String
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import Field

from planning.models import Base


class FigureFact(Base, table=True):
    """A fact behind an office figure (成绩单), projected from findings', clues' and
    rectification's events.

    Keyed by (kind, record id), so a redelivered event rewrites the same row; ``quantity``
    is 1 for a counted record and the number of persons or handlings for clue outcomes;
    ``amount_yuan`` carries money recovered. Clue facts keep no more than the clue events
    do: ids and counts.
    """

    __tablename__ = "figure_facts"
    __table_args__ = (
        Index("ix_figure_facts_jurisdiction_kind", "jurisdiction", "kind"),
        Index("ix_figure_facts_round", "round_id"),
    )

    kind: str = Field(sa_column=Column(String(32), primary_key=True))
    record_id: uuid.UUID = Field(sa_column=Column(UUID(as_uuid=True), primary_key=True))
    jurisdiction: str = Field(max_length=32)
    source: str = Field(max_length=20)
    round_id: uuid.UUID | None = Field(default=None, sa_column=Column(UUID(as_uuid=True)))
    org_id: uuid.UUID | None = Field(default=None, sa_column=Column(UUID(as_uuid=True)))
    occurred_on: date = Field(sa_column=Column(Date, nullable=False))
    quantity: int = 1
    amount_yuan: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 2)))

"""The figures projection: one row per countable fact that another service reported."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Column, Date, Index, Integer, Numeric, String, Table, text
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
        # The records page, newest first (keyset on occurred_on, record_id), whole or by round.
        Index(
            "ix_figure_facts_records", "jurisdiction", "kind", text("occurred_on DESC"), "record_id"
        ),
        Index(
            "ix_figure_facts_round_records",
            "jurisdiction",
            "kind",
            "round_id",
            text("occurred_on DESC"),
            "record_id",
        ),
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


FIGURE_SUMS = Table(
    "figure_sums",
    Base.metadata,
    Column("jurisdiction", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("round_id", UUID(as_uuid=True)),
    Column("org_id", UUID(as_uuid=True)),
    Column("year", Integer, nullable=False),
    Column("facts", BigInteger, nullable=False),
    Column("quantity", BigInteger, nullable=False),
    Column("amounts", BigInteger, nullable=False),
    Column("amount_yuan", Numeric(20, 2), nullable=False),
    Index(
        "uq_figure_sums_slice",
        "jurisdiction",
        "kind",
        "round_id",
        "org_id",
        "year",
        unique=True,
        postgresql_nulls_not_distinct=True,
    ),
)
"""The facts of one slice (jurisdiction, kind, round, org, year) summed: what a figure or a
breakdown adds up instead of every fact.

Kept by the trigger ``figure_sums_follow_facts`` on ``figure_facts`` in the writer's own
transaction (migration 0014), so it always equals the facts: ``facts`` counts them,
``amounts`` counts those with an amount (no amount at all sums to NULL, as over the facts).
A slice whose facts were all removed stays with ``facts`` 0 and is never shown."""

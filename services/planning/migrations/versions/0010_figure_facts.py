"""The office's figures: facts projected from findings', clues' and rectification's events.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "planning"


def upgrade() -> None:
    op.create_table(
        "figure_facts",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("round_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("org_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_yuan", sa.Numeric(18, 2), nullable=True),
        sa.PrimaryKeyConstraint("kind", "record_id", name="pk_figure_facts"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_figure_facts_jurisdiction_kind",
        "figure_facts",
        ["jurisdiction", "kind"],
        schema=SCHEMA,
    )
    op.create_index("ix_figure_facts_round", "figure_facts", ["round_id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("figure_facts", schema=SCHEMA)

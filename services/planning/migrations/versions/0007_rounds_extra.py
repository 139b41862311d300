"""coverage milestones: the moment a term first reached full coverage

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "planning"


def upgrade() -> None:
    op.create_table(
        "coverage_milestones",
        sa.Column("term_id", sa.UUID(), nullable=False),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("round_id", sa.UUID(), nullable=True),
        sa.Column("orgs_in_scope", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["term_id"], ["planning.terms.id"], name=op.f("fk_coverage_milestones_term_id_terms")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["planning.rounds.id"],
            name=op.f("fk_coverage_milestones_round_id_rounds"),
        ),
        sa.PrimaryKeyConstraint("term_id", name=op.f("pk_coverage_milestones")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("coverage_milestones", schema=SCHEMA)

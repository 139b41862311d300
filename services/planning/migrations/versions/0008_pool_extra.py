"""Talent pool: the per-jurisdiction avoidance window (回避年限).

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "planning"


def upgrade() -> None:
    op.create_table(
        "avoidance_settings",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("former_unit_years", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", name="pk_avoidance_settings"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("avoidance_settings", schema=SCHEMA)

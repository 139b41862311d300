"""The rating panel (量化评估组): its judgement next to the formula's rating, the office's
adjustment with its reason, the final rating they make, and a version for If-Match.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"
TABLE = "ratings"


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    # Ratings so far are the formula's alone: their final rating is the formula's.
    op.add_column(TABLE, sa.Column("final_rating", sa.String(10)), schema=SCHEMA)
    op.execute(f"UPDATE {SCHEMA}.{TABLE} SET final_rating = rating")
    op.alter_column(TABLE, "final_rating", nullable=False, schema=SCHEMA)
    for column in (
        sa.Column("panel_rating", sa.String(10)),
        sa.Column("panel_members", sa.String(500)),
        sa.Column("panel_judged_on", sa.Date()),
        sa.Column("panel_opinion", sa.String(2000)),
        sa.Column("judged_at", moment),
        sa.Column("judged_by", sa.String(128)),
        sa.Column("adjusted_rating", sa.String(10)),
        sa.Column("adjustment_reason", sa.String(1000)),
        sa.Column("adjusted_at", moment),
        sa.Column("adjusted_by", sa.String(128)),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    ):
        op.add_column(TABLE, column, schema=SCHEMA)
    op.alter_column(TABLE, "version", server_default=None, schema=SCHEMA)


def downgrade() -> None:
    for name in (
        "version",
        "adjusted_by",
        "adjusted_at",
        "adjustment_reason",
        "adjusted_rating",
        "judged_by",
        "judged_at",
        "panel_opinion",
        "panel_judged_on",
        "panel_members",
        "panel_rating",
        "final_rating",
    ):
        op.drop_column(TABLE, name, schema=SCHEMA)

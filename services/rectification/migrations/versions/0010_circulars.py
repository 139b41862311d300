"""Circulars of typical cases (典型案例通报): a county-wide circular of the office, draft then
published, and its cases (an org's rectification or one of its tasks, the kind of failure,
the finding in a short text).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    uuid_type = postgresql.UUID(as_uuid=True)
    op.create_table(
        "circulars",
        sa.Column("id", uuid_type, primary_key=True),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("opening", sa.String(2000)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("doc_number", sa.String(64)),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("published_at", moment),
        sa.Column("published_by", sa.String(128)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_circulars_jurisdiction_issued",
        "circulars",
        ["jurisdiction", "issued_on"],
        schema=SCHEMA,
    )
    op.create_table(
        "circular_cases",
        sa.Column("id", uuid_type, primary_key=True),
        sa.Column(
            "circular_id",
            uuid_type,
            sa.ForeignKey(f"{SCHEMA}.circulars.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("plan_id", uuid_type, sa.ForeignKey(f"{SCHEMA}.plans.id"), nullable=False),
        sa.Column("task_id", uuid_type, sa.ForeignKey(f"{SCHEMA}.tasks.id")),
        sa.Column("org_id", uuid_type, nullable=False),
        sa.Column("round_id", uuid_type, nullable=False),
        sa.Column("finding", sa.String(500), nullable=False),
        sa.Column("added_at", moment, nullable=False),
        sa.UniqueConstraint("circular_id", "position", name="uq_circular_cases_position"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_circular_cases_circular_id", "circular_cases", ["circular_id"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("circular_cases", schema=SCHEMA)
    op.drop_table("circulars", schema=SCHEMA)

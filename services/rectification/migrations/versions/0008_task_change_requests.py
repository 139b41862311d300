"""Change requests (调整申请): the inspected org asks the office to change what was decided
on a task (kind, deadline, measures); one open request per task.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"
TABLE = "task_change_requests"


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        TABLE,
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "task_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.tasks.id"),
            nullable=False,
        ),
        sa.Column("plan_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("round_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("org_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(10)),
        sa.Column("due_on", sa.Date()),
        sa.Column("measures", sa.Text()),
        sa.Column("current_kind", sa.String(10), nullable=False),
        sa.Column("current_due_on", sa.Date()),
        sa.Column("current_measures", sa.Text()),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("filed_at", moment, nullable=False),
        sa.Column("filed_by", sa.String(128), nullable=False),
        sa.Column("decided_at", moment),
        sa.Column("decided_by", sa.String(128)),
        sa.Column("opinion", sa.String(1000)),
        sa.Column("withdrawn_at", moment),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        schema=SCHEMA,
    )
    op.create_index(f"ix_{TABLE}_task_id", TABLE, ["task_id"], schema=SCHEMA)
    op.create_index(f"ix_{TABLE}_org_id", TABLE, ["org_id"], schema=SCHEMA)
    op.create_index(
        f"ix_{TABLE}_jurisdiction_status", TABLE, ["jurisdiction", "status"], schema=SCHEMA
    )
    op.create_index(
        f"uq_{TABLE}_one_open",
        TABLE,
        ["task_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table(TABLE, schema=SCHEMA)

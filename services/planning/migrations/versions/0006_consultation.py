"""pre-inspection consultation: settings, requests, per-org answers

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "planning"


def upgrade() -> None:
    op.create_table(
        "consultation_settings",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("reply_workdays", sa.Integer(), nullable=False),
        sa.Column("remind_workdays_before", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", name=op.f("pk_consultation_settings")),
        schema=SCHEMA,
    )
    op.create_table(
        "consultations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("round_id", sa.UUID(), nullable=False),
        sa.Column("department_org_id", sa.UUID(), nullable=False),
        sa.Column("topics", postgresql.ARRAY(sa.String(30)), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reply_workdays", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_approximate", sa.Boolean(), nullable=False),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(128), nullable=True),
        sa.Column("due_soon_notified_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_notified_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["planning.rounds.id"], name=op.f("fk_consultations_round_id_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["department_org_id"],
            ["planning.orgs.id"],
            name=op.f("fk_consultations_department_org_id_orgs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        schema=SCHEMA,
    )
    for columns in (["jurisdiction"], ["round_id"], ["department_org_id"]):
        op.create_index(
            op.f(f"ix_consultations_{columns[0]}"), "consultations", columns, schema=SCHEMA
        )
    # The reminder job looks for unfinished requests by deadline.
    op.create_index(
        op.f("ix_consultations_status_deadline_at"),
        "consultations",
        ["status", "deadline_at"],
        schema=SCHEMA,
    )
    op.create_table(
        "consultation_orgs",
        sa.Column("consultation_id", sa.UUID(), nullable=False),
        sa.Column("org_id", sa.UUID(), nullable=False),
        sa.Column("severity", sa.String(10), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("petition_count", sa.Integer(), nullable=True),
        sa.Column("clue_count", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(128), nullable=True),
        sa.Column("entered_by_office", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["planning.consultations.id"],
            name=op.f("fk_consultation_orgs_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["planning.orgs.id"], name=op.f("fk_consultation_orgs_org_id_orgs")
        ),
        sa.PrimaryKeyConstraint("consultation_id", "org_id", name=op.f("pk_consultation_orgs")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_consultation_orgs_org_id"), "consultation_orgs", ["org_id"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("consultation_orgs", schema=SCHEMA)
    op.drop_table("consultations", schema=SCHEMA)
    op.drop_table("consultation_settings", schema=SCHEMA)

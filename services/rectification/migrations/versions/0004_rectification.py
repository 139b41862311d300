"""Planning's rounds and assignments (projection); plans, tasks, progress, reports,
deadline notices, cards, ratings, institutions and the jurisdiction's rules.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from xuncha_shared.migrations import create_assignment_projection_v1

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"
UUID = postgresql.UUID(as_uuid=True)
TS = sa.DateTime(timezone=True)


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{SCHEMA}.{table}.id")


def upgrade() -> None:
    create_assignment_projection_v1(SCHEMA)
    op.create_table(
        "rules",
        sa.Column("jurisdiction", sa.String(32), primary_key=True),
        sa.Column("rules", postgresql.JSONB(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "plans",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("jurisdiction", sa.String(32), nullable=False, index=True),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=False, index=True),
        sa.Column("assignment_id", UUID),
        sa.Column("feedback_id", UUID),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("feedback_at", TS),
        sa.Column("plan_due_on", sa.Date()),
        sa.Column("period_ends_on", sa.Date()),
        sa.Column("report_due_on", sa.Date()),
        sa.Column("submitted_at", TS),
        sa.Column("submitted_by", sa.String(128)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("round_id", "org_id", name="uq_plans_round_org"),
        schema=SCHEMA,
    )
    op.create_table(
        "tasks",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("plan_id", UUID, _fk("plans"), nullable=False, index=True),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("round_id", UUID, nullable=False, index=True),
        sa.Column("org_id", UUID, nullable=False),
        sa.Column("problem_id", UUID, nullable=False, unique=True),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("category_name", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("immediate", sa.Boolean(), nullable=False),
        sa.Column("livelihood", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("measures", sa.Text()),
        sa.Column("responsible_person", sa.String(50)),
        sa.Column("owner_account", sa.String(128)),
        sa.Column("owner_name", sa.String(50)),
        sa.Column("due_on", sa.Date()),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("rejections", sa.Integer(), nullable=False),
        sa.Column("claimed_at", TS),
        sa.Column("accepted_at", TS),
        sa.Column("accepted_by", sa.String(128)),
        sa.Column("on_time", sa.Boolean()),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        schema=SCHEMA,
    )
    unaccepted = sa.text("status <> 'accepted'")
    for name, column in (
        ("ix_tasks_owner_unaccepted", "owner_account"),
        ("ix_tasks_person_unaccepted", "responsible_person"),
        ("ix_tasks_org_unaccepted", "org_id"),
    ):
        op.create_index(
            name, "tasks", [column, "due_on"], schema=SCHEMA, postgresql_where=unaccepted
        )
    op.create_index(
        "ix_tasks_jurisdiction_status_due",
        "tasks",
        ["jurisdiction", "status", "due_on"],
        schema=SCHEMA,
    )
    op.create_table(
        "task_progress",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("task_id", UUID, _fk("tasks"), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("reported_on", sa.Date()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence", postgresql.JSONB(), nullable=False),
        sa.Column("signed_by", sa.String(50)),
        sa.Column("commitment", sa.Text()),
        sa.Column("signed_at", TS),
        sa.Column("at", TS, nullable=False),
        sa.Column("by", sa.String(128), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "reports",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("plan_id", UUID, _fk("plans"), nullable=False, unique=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("signed_by", sa.String(50), nullable=False),
        sa.Column("commitment", sa.Text(), nullable=False),
        sa.Column("signed_at", TS, nullable=False),
        sa.Column("submitted_by", sa.String(128), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "report_disclosures",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("report_id", UUID, _fk("reports"), nullable=False, index=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("disclosed_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "deadline_notices",
        sa.Column("subject_id", UUID, nullable=False),
        sa.Column("what", sa.String(10), nullable=False),
        sa.Column("notice", sa.String(10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("plan_id", UUID, nullable=False),
        sa.Column("emitted_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "what", "notice", "due_on"),
        schema=SCHEMA,
    )
    op.create_table(
        "cards",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("jurisdiction", sa.String(32), nullable=False, index=True),
        sa.Column("plan_id", UUID, _fk("plans"), nullable=False, index=True),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=False),
        sa.Column("color", sa.String(10), nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("raised_at", TS, nullable=False),
        sa.Column("escalated_at", TS),
        sa.Column("lifted_at", TS),
        sa.Column("lifted_reason_zh", sa.Text()),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_cards_open_plan",
        "cards",
        ["plan_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("lifted_at IS NULL"),
    )
    op.create_table(
        "card_actions",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("card_id", UUID, _fk("cards"), nullable=False, index=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date()),
        sa.Column("note", sa.Text()),
        sa.Column("recorded_by", sa.String(128)),
        schema=SCHEMA,
    )
    op.create_table(
        "ratings",
        sa.Column("plan_id", UUID, _fk("plans"), primary_key=True),
        sa.Column("jurisdiction", sa.String(32), nullable=False, index=True),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=False),
        sa.Column("rating", sa.String(10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("factors", postgresql.JSONB(), nullable=False),
        sa.Column("explanation_zh", sa.Text(), nullable=False),
        sa.Column("rated_at", TS, nullable=False),
        sa.Column("rated_by", sa.String(128), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "institutions",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("task_id", UUID, _fk("tasks"), nullable=False, index=True),
        sa.Column("plan_id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("doc_number", sa.String(64)),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_institutions_org", "institutions", ["jurisdiction", "org_id"], schema=SCHEMA
    )


def downgrade() -> None:
    for table in (
        "institutions",
        "ratings",
        "card_actions",
        "cards",
        "deadline_notices",
        "report_disclosures",
        "reports",
        "task_progress",
        "tasks",
        "plans",
        "rules",
        "assignments",
        "group_members",
        "inspection_groups",
        "rounds",
    ):
        op.drop_table(table, schema=SCHEMA)

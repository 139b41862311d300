"""Findings core: assignment projection, problem list, settings, problems with evidence,
annotations and funds comparisons, public reports and announcements, reports, feedbacks,
clue links.

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

SCHEMA = "findings"
UUID = postgresql.UUID(as_uuid=True)


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_assignment_projection_v1(SCHEMA)
    op.create_table(
        "problem_categories",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("org_kinds", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("updated_at"),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", "code", name="pk_problem_categories"),
        schema=SCHEMA,
    )
    op.create_table(
        "jurisdiction_settings",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("issuer_short", sa.String(8), nullable=False),
        sa.Column("issuer_name", sa.String(64), nullable=False),
        sa.Column("letter_reply_workdays", sa.Integer(), nullable=False),
        sa.Column("forward_reply_workdays", sa.Integer(), nullable=False),
        sa.Column("similarity_threshold", sa.Integer(), nullable=False),
        sa.Column("feedback_copy_org_ids", postgresql.ARRAY(UUID), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("updated_at"),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", name="pk_jurisdiction_settings"),
        schema=SCHEMA,
    )
    op.create_table(
        "evidence_files",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("sha256", name="pk_evidence_files"),
        schema=SCHEMA,
    )
    op.create_table(
        "clue_links",
        sa.Column("clue_id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("source_problem_id", UUID, nullable=True),
        sa.Column("source_report_id", UUID, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("clue_id", name="pk_clue_links"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_clue_links_source_problem_id", "clue_links", ["source_problem_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_clue_links_source_report_id", "clue_links", ["source_report_id"], schema=SCHEMA
    )
    op.create_table(
        "problems",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("term_id", UUID, nullable=False),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("assignment_id", UUID, nullable=False),
        sa.Column("group_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=False),
        sa.Column("org_kind", sa.String(20), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("category_name", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("found_by", sa.String(30), nullable=False),
        sa.Column("immediate", sa.Boolean(), nullable=False),
        sa.Column("livelihood", sa.Boolean(), nullable=False),
        sa.Column("amount_yuan", sa.Numeric(18, 2), nullable=True),
        sa.Column("people_involved", postgresql.ARRAY(sa.String(100)), nullable=False),
        sa.Column("funds_project_id", UUID, nullable=True),
        sa.Column("source_report_id", UUID, nullable=True),
        _ts("handed_over_at", True),
        sa.Column("feedback_id", UUID, nullable=True),
        _ts("fed_back_at", True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_problems"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_problems_assignment_id_created_at",
        "problems",
        ["assignment_id", "created_at"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_problems_jurisdiction_round_id_category",
        "problems",
        ["jurisdiction", "round_id", "category"],
        schema=SCHEMA,
    )
    op.create_index("ix_problems_org_id", "problems", ["org_id"], schema=SCHEMA)
    op.create_table(
        "problem_evidence",
        sa.Column("problem_id", UUID, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("added_by", sa.String(128), nullable=False),
        _ts("added_at"),
        sa.PrimaryKeyConstraint("problem_id", "sha256", name="pk_problem_evidence"),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            [f"{SCHEMA}.problems.id"],
            name="fk_problem_evidence_problem_id_problems",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            [f"{SCHEMA}.evidence_files.sha256"],
            name="fk_problem_evidence_sha256_evidence_files",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "problem_annotations",
        sa.Column("id", UUID, nullable=False),
        sa.Column("problem_id", UUID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_problem_annotations"),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            [f"{SCHEMA}.problems.id"],
            name="fk_problem_annotations_problem_id_problems",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_problem_annotations_problem_id", "problem_annotations", ["problem_id"], schema=SCHEMA
    )
    op.create_table(
        "funds_projects",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("assignment_id", UUID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("allocated_yuan", sa.Numeric(18, 2), nullable=False),
        sa.Column("paid_out_yuan", sa.Numeric(18, 2), nullable=False),
        sa.Column("delivered_yuan", sa.Numeric(18, 2), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_funds_projects"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_funds_projects_assignment_id", "funds_projects", ["assignment_id"], schema=SCHEMA
    )
    op.create_table(
        "announcements",
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("mailbox", sa.String(200), nullable=True),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("online_url", sa.String(300), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("round_id", name="pk_announcements"),
        schema=SCHEMA,
    )
    op.create_table(
        "public_reports",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("receipt_hash", sa.String(64), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("problem_id", UUID, nullable=True),
        sa.Column("clue_id", UUID, nullable=True),
        sa.Column("forwarded_to_org_id", UUID, nullable=True),
        sa.Column("reply_due_on", sa.Date(), nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        _ts("replied_at", True),
        sa.Column("reply_overdue_emitted", sa.Boolean(), nullable=False),
        sa.Column("no_action_reason", sa.Text(), nullable=True),
        sa.Column("redacted", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.String(128), nullable=True),
        _ts("received_at"),
        sa.Column("triaged_by", sa.String(128), nullable=True),
        _ts("triaged_at", True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_public_reports"),
        sa.UniqueConstraint("receipt_hash", name="uq_public_reports_receipt_hash"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_public_reports_round_id_received_at",
        "public_reports",
        ["round_id", "received_at"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_public_reports_status_reply_due_on",
        "public_reports",
        ["status", "reply_due_on"],
        schema=SCHEMA,
    )
    op.create_table(
        "reports",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("group_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=False),
        sa.Column("assignment_id", UUID, nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("sections", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("review_comments", sa.Text(), nullable=True),
        _ts("submitted_at", True),
        sa.Column("reviewed_by", sa.String(128), nullable=True),
        _ts("reviewed_at", True),
        sa.Column("approved_by", sa.String(128), nullable=True),
        _ts("approved_at", True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_reports_assignment",
        "reports",
        ["assignment_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("kind = 'assignment'"),
    )
    op.create_index(
        "uq_reports_comprehensive",
        "reports",
        ["round_id", "org_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("kind = 'comprehensive'"),
    )
    op.create_table(
        "feedbacks",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("assignment_id", UUID, nullable=False),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=False),
        sa.Column("report_id", UUID, nullable=False),
        sa.Column("copied_to_org_ids", postgresql.ARRAY(UUID), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("immediate_count", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.String(128), nullable=False),
        _ts("issued_at"),
        sa.PrimaryKeyConstraint("id", name="pk_feedbacks"),
        sa.UniqueConstraint("assignment_id", name="uq_feedbacks_assignment_id"),
        schema=SCHEMA,
    )
    op.create_index("ix_feedbacks_org_id", "feedbacks", ["org_id"], schema=SCHEMA)


def downgrade() -> None:
    for table in (
        "feedbacks",
        "reports",
        "public_reports",
        "announcements",
        "funds_projects",
        "problem_annotations",
        "problem_evidence",
        "problems",
        "clue_links",
        "evidence_files",
        "jurisdiction_settings",
        "problem_categories",
        "assignments",
        "group_members",
        "inspection_groups",
        "rounds",
    ):
        op.drop_table(table, schema=SCHEMA)

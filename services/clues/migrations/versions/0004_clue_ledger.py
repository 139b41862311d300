"""The clue ledger: projections of rounds, groups, assignments, problems and public reports;
clues and sealed notes; deadline settings and chase letters; recipients' ledgers; the
append-only audit log.

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

SCHEMA = "clues"
UUID = postgresql.UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_assignment_projection_v1(SCHEMA)
    op.create_table(
        "source_problems",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("assignment_id", UUID, nullable=False),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("group_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_source_problems"),
        schema=SCHEMA,
    )
    op.create_table(
        "source_reports",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("org_id", UUID, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_source_reports"),
        schema=SCHEMA,
    )
    op.create_index("ix_source_reports_round", "source_reports", ["round_id"], schema=SCHEMA)
    op.create_table(
        "clues",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("round_id", UUID, nullable=False),
        sa.Column("term_id", UUID, nullable=True),
        sa.Column("org_id", UUID, nullable=True),
        sa.Column("group_id", UUID, nullable=True),
        sa.Column("source_problem_id", UUID, nullable=True),
        sa.Column("source_report_id", UUID, nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("amount_yuan", sa.Numeric(14, 2), nullable=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("keeper_account", sa.String(128), nullable=True),
        sa.Column("proposed_by", sa.String(128), nullable=False),
        _ts("proposed_at", nullable=False),
        _ts("reviewed_at"),
        sa.Column("reviewed_by", sa.String(128), nullable=True),
        sa.Column("commission_leader", sa.String(100), nullable=True),
        sa.Column("office_reviewer", sa.String(100), nullable=True),
        sa.Column("supervision_room", sa.String(100), nullable=True),
        sa.Column("suggested_disposal", sa.String(32), nullable=True),
        sa.Column("suggested_form", sa.Integer(), nullable=True),
        sa.Column("recipient_kind", sa.String(20), nullable=True),
        sa.Column("recipient_org_id", UUID, nullable=True),
        _ts("transferred_at"),
        sa.Column("transferred_by", sa.String(128), nullable=True),
        sa.Column("receipt_due_on", sa.Date(), nullable=True),
        _ts("returned_at"),
        sa.Column("return_count", sa.Integer(), nullable=False),
        _ts("accepted_at"),
        sa.Column("accepted_by", sa.String(128), nullable=True),
        sa.Column("received_by_name", sa.String(100), nullable=True),
        sa.Column("disposal", sa.String(32), nullable=True),
        _ts("disposal_at"),
        _ts("first_progress_at"),
        _ts("last_progress_at"),
        sa.Column("progress_count", sa.Integer(), nullable=False),
        _ts("concluded_at"),
        sa.Column("case_filed", sa.Boolean(), nullable=True),
        sa.Column("persons_party_sanctioned", sa.Integer(), nullable=True),
        sa.Column("persons_government_sanctioned", sa.Integer(), nullable=True),
        sa.Column("persons_sanctioned", sa.Integer(), nullable=True),
        sa.Column("organizational_handlings", sa.Integer(), nullable=True),
        sa.Column("first_form", sa.Integer(), nullable=True),
        sa.Column("second_form", sa.Integer(), nullable=True),
        sa.Column("third_form", sa.Integer(), nullable=True),
        sa.Column("fourth_form", sa.Integer(), nullable=True),
        sa.Column("money_recovered_yuan", sa.Numeric(14, 2), nullable=True),
        _ts("closed_at"),
        sa.Column("closed_by", sa.String(128), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clues"),
        sa.CheckConstraint(
            "(source_problem_id IS NULL) <> (source_report_id IS NULL)",
            name="ck_clues_one_source",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_clues_jurisdiction_status", "clues", ["jurisdiction", "status"], schema=SCHEMA
    )
    op.create_index("ix_clues_round_id", "clues", ["round_id"], schema=SCHEMA)
    op.create_index("ix_clues_recipient_org_id", "clues", ["recipient_org_id"], schema=SCHEMA)
    op.create_table(
        "clue_notes",
        sa.Column("id", UUID, nullable=False),
        sa.Column("clue_id", UUID, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("written_by", sa.String(128), nullable=False),
        _ts("written_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clue_notes"),
        sa.ForeignKeyConstraint(
            ["clue_id"], [f"{SCHEMA}.clues.id"], name="fk_clue_notes_clue_id_clues"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_clue_notes_clue_id", "clue_notes", ["clue_id"], schema=SCHEMA)
    op.create_table(
        "deadline_settings",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("transfer_workdays", sa.Integer(), nullable=False),
        sa.Column("receipt_workdays", sa.Integer(), nullable=False),
        sa.Column("first_progress_workdays", sa.Integer(), nullable=False),
        sa.Column("conclusion_workdays", sa.Integer(), nullable=False),
        sa.Column("supervision_grace_workdays", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("updated_at", nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", name="pk_deadline_settings"),
        schema=SCHEMA,
    )
    op.create_table(
        "chase_letters",
        sa.Column("id", UUID, nullable=False),
        sa.Column("clue_id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("addressee_org_id", UUID, nullable=True),
        sa.Column("addressee_account", sa.String(128), nullable=True),
        sa.Column("doc_number", sa.String(64), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=True),
        _ts("issued_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chase_letters"),
        sa.UniqueConstraint("clue_id", "stage", "step", name="uq_chase_letters_clue_id_stage_step"),
        sa.ForeignKeyConstraint(
            ["clue_id"], [f"{SCHEMA}.clues.id"], name="fk_chase_letters_clue_id_clues"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_chase_letters_clue_id", "chase_letters", ["clue_id"], schema=SCHEMA)
    op.create_table(
        "recipient_ledgers",
        sa.Column("recipient_org_id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("entries", postgresql.JSONB(), nullable=False),
        sa.Column("posted_by", sa.String(128), nullable=False),
        _ts("posted_at", nullable=False),
        sa.PrimaryKeyConstraint("recipient_org_id", "jurisdiction", name="pk_recipient_ledgers"),
        schema=SCHEMA,
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        _ts("at", nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("actor_roles", sa.String(200), nullable=False),
        sa.Column("actor_org_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("clue_id", UUID, nullable=True),
        sa.Column("detail", postgresql.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_audit_log_jurisdiction_at", "audit_log", ["jurisdiction", "at"], schema=SCHEMA
    )
    op.create_index("ix_audit_log_clue_id", "audit_log", ["clue_id"], schema=SCHEMA)
    # Append-only, enforced by PostgreSQL rather than by the code's good manners.
    op.execute(
        f"""
        CREATE FUNCTION "{SCHEMA}".audit_log_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'clues.audit_log is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$;
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON "{SCHEMA}".audit_log
        FOR EACH ROW EXECUTE FUNCTION "{SCHEMA}".audit_log_append_only();
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "{SCHEMA}".audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION "{SCHEMA}".audit_log_append_only();
        """
    )


def downgrade() -> None:
    op.execute(f'DROP TABLE "{SCHEMA}".audit_log')
    op.execute(f'DROP FUNCTION "{SCHEMA}".audit_log_append_only()')
    for table in (
        "recipient_ledgers",
        "chase_letters",
        "deadline_settings",
        "clue_notes",
        "clues",
        "source_reports",
        "source_problems",
        "assignments",
        "group_members",
        "inspection_groups",
        "rounds",
    ):
        op.drop_table(table, schema=SCHEMA)

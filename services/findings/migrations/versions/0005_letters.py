"""Letters (提醒函、建议书、督办函) with their problems, document-number counters and the
letter templates a jurisdiction uploads.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from xuncha_shared.migrations import create_document_tables_v1

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "findings"
UUID = postgresql.UUID(as_uuid=True)


def upgrade() -> None:
    create_document_tables_v1(SCHEMA)
    op.create_table(
        "letters",
        sa.Column("id", UUID, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("doc_number", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("addressee_org_id", UUID, nullable=False),
        sa.Column("addressee_name", sa.String(100), nullable=False),
        sa.Column("round_id", UUID, nullable=True),
        sa.Column("term_id", UUID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("copy_to_accounts", postgresql.ARRAY(sa.String(128)), nullable=False),
        sa.Column("copy_to_names", postgresql.ARRAY(sa.String(100)), nullable=False),
        sa.Column("copy_to_org_ids", postgresql.ARRAY(UUID), nullable=False),
        sa.Column("reply_due_on", sa.Date(), nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_by", sa.String(128), nullable=True),
        sa.Column("overdue_emitted", sa.Boolean(), nullable=False),
        sa.Column("docx", sa.LargeBinary(), nullable=False),
        sa.Column("sent_by", sa.String(128), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_letters"),
        sa.UniqueConstraint("doc_number", name="uq_letters_doc_number"),
        schema=SCHEMA,
    )
    op.create_index("ix_letters_addressee_org_id", "letters", ["addressee_org_id"], schema=SCHEMA)
    op.create_index(
        "ix_letters_reply_due_on_replied_at",
        "letters",
        ["reply_due_on", "replied_at"],
        schema=SCHEMA,
    )
    op.create_table(
        "letter_problems",
        sa.Column("letter_id", UUID, nullable=False),
        sa.Column("problem_id", UUID, nullable=False),
        sa.PrimaryKeyConstraint("letter_id", "problem_id", name="pk_letter_problems"),
        sa.ForeignKeyConstraint(
            ["letter_id"], [f"{SCHEMA}.letters.id"], name="fk_letter_problems_letter_id_letters"
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"], [f"{SCHEMA}.problems.id"], name="fk_letter_problems_problem_id_problems"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_letter_problems_problem_id", "letter_problems", ["problem_id"], schema=SCHEMA
    )


def downgrade() -> None:
    for table in ("letter_problems", "letters", "letter_templates", "document_numbers"):
        op.drop_table(table, schema=SCHEMA)

"""Gapless document numbers (文号) and replaceable letter templates for the chase letters.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op
from xuncha_shared.migrations import create_document_tables_v1

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "clues"


def upgrade() -> None:
    create_document_tables_v1(SCHEMA)


def downgrade() -> None:
    op.drop_table("letter_templates", schema=SCHEMA)
    op.drop_table("document_numbers", schema=SCHEMA)

"""Document numbers and letter templates; the interview notice (约谈通知) of a red card.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from xuncha_shared.migrations import create_document_tables_v1

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"


def upgrade() -> None:
    create_document_tables_v1(SCHEMA)
    op.add_column("cards", sa.Column("letter_number", sa.String(64)), schema=SCHEMA)
    op.add_column("cards", sa.Column("letter_on", sa.Date()), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("cards", "letter_on", schema=SCHEMA)
    op.drop_column("cards", "letter_number", schema=SCHEMA)
    op.drop_table("letter_templates", schema=SCHEMA)
    op.drop_table("document_numbers", schema=SCHEMA)

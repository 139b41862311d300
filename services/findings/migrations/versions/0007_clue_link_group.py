"""A clue link keeps the group that proposed the clue: a public report's text is erased only
for a clue proposed from it by a group of the report's round.

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "findings"


def upgrade() -> None:
    op.add_column(
        "clue_links",
        sa.Column("group_id", postgresql.UUID(as_uuid=True), nullable=True),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("clue_links", "group_id", schema=SCHEMA)

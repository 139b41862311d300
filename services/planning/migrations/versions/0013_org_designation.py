"""A county department's designation (职能: discipline, organization, publicity, audit …):
the clues service finds a clue's recipient by it. Empty for other kinds of org.

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "planning"


def upgrade() -> None:
    op.add_column("orgs", sa.Column("designation", sa.String(20)), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("orgs", "designation", schema=SCHEMA)

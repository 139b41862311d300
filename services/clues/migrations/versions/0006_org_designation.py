"""A department's designation (职能) in the clues service's copy of the registry: a clue is
transferred only to a department whose designation matches the recipient kind.

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "clues"


def upgrade() -> None:
    op.add_column("orgs", sa.Column("designation", sa.String(20)), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("orgs", "designation", schema=SCHEMA)

"""The county leader in charge of an org (分管县领导): his platform account.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "planning"


def upgrade() -> None:
    op.add_column("orgs", sa.Column("leader_account", sa.String(128)), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("orgs", "leader_account", schema=SCHEMA)

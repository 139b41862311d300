"""The county leader in charge of an org (分管县领导) in the org projection: a leader reads
his sector's rectification.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"


def upgrade() -> None:
    op.add_column("orgs", sa.Column("leader_account", sa.String(128)), schema=SCHEMA)
    op.create_index("ix_orgs_leader_account", "orgs", ["leader_account"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_orgs_leader_account", table_name="orgs", schema=SCHEMA)
    op.drop_column("orgs", "leader_account", schema=SCHEMA)

"""Platform administrators (平台管理员): accounts that keep every jurisdiction's ledger.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("platform_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )
    op.alter_column("accounts", "platform_admin", server_default=None, schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("accounts", "platform_admin", schema=SCHEMA)

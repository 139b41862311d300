"""A jurisdiction's sign-in policy: whether a second factor is required.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def upgrade() -> None:
    op.create_table(
        "policies",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("totp_required", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", name=op.f("pk_policies")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("policies", schema=SCHEMA)

"""Department systems' service accounts (client credentials).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def _ts(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "service_clients",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("updated_by", sa.String(128), nullable=False),
        _ts("secret_rotated_at"),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_service_clients")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_service_clients_jurisdiction"), "service_clients", ["jurisdiction"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("service_clients", schema=SCHEMA)

"""Accounts, signing keys, refresh tokens, setup codes, sign-in records; the org
projection, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from xuncha_shared.migrations import (
    create_idempotency_table_v1,
    create_messaging_tables_v1,
    create_org_projection_v1,
)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_messaging_tables_v1(SCHEMA)
    create_idempotency_table_v1(SCHEMA)
    create_org_projection_v1(SCHEMA)
    op.create_table(
        "accounts",
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(50), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("cadre_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        _ts("password_changed_at", nullable=True),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        _ts("locked_until", nullable=True),
        sa.Column("totp_secret", sa.Text(), nullable=True),
        sa.Column("totp_confirmed", sa.Boolean(), nullable=False),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_accounts")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_accounts_jurisdiction"), "accounts", ["jurisdiction"], schema=SCHEMA)
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", postgresql.JSONB(), nullable=False),
        _ts("created_at"),
        _ts("retired_at", nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
        schema=SCHEMA,
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("family", sa.Uuid(), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("used_at", nullable=True),
        _ts("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_refresh_tokens")),
        schema=SCHEMA,
    )
    op.create_index("ix_refresh_tokens_account", "refresh_tokens", ["account"], schema=SCHEMA)
    op.create_index(op.f("ix_refresh_tokens_family"), "refresh_tokens", ["family"], schema=SCHEMA)
    op.create_table(
        "setup_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        _ts("created_at"),
        sa.Column("created_by", sa.String(128), nullable=False),
        _ts("expires_at"),
        _ts("used_at", nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_setup_codes")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_setup_codes_account"), "setup_codes", ["account"], schema=SCHEMA)
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        _ts("at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ins")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_sign_ins_account"), "sign_ins", ["account"], schema=SCHEMA)
    op.create_index("ix_sign_ins_address_at", "sign_ins", ["address", "at"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("sign_ins", "setup_codes", "refresh_tokens", "signing_keys", "accounts"):
        op.drop_table(table, schema=SCHEMA)
    op.drop_table("idempotency_keys", schema=SCHEMA)
    op.drop_table("orgs", schema=SCHEMA)
    op.drop_table("inbox", schema=SCHEMA)
    op.drop_table("outbox", schema=SCHEMA)

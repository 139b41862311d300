"""Routing rules, directory, webhook subscriptions, notifications, reads, deliveries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "notify"


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("conditions", postgresql.JSONB(), nullable=False),
        sa.Column("audiences", postgresql.JSONB(), nullable=False),
        sa.Column("channels", postgresql.ARRAY(sa.String(10)), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("updated_at"),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", "key", name=op.f("pk_rules")),
        schema=SCHEMA,
    )
    op.create_table(
        "people",
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(50), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("daily_digest", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_people")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_people_jurisdiction"), "people", ["jurisdiction"], schema=SCHEMA)
    op.create_index(op.f("ix_people_org_id"), "people", ["org_id"], schema=SCHEMA)
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("event_types", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.String(20)), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("secret_rotated_at"),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_subscriptions_jurisdiction"), "subscriptions", ["jurisdiction"], schema=SCHEMA
    )
    op.create_index(op.f("ix_subscriptions_org_id"), "subscriptions", ["org_id"], schema=SCHEMA)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        _ts("event_time"),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("rule_key", sa.String(64), nullable=False),
        sa.Column("audience_kind", sa.String(10), nullable=False),
        sa.Column("audience_value", sa.String(128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("in_inbox", sa.Boolean(), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("seq", name=op.f("uq_notifications_seq")),
        sa.UniqueConstraint(
            "event_id",
            "rule_key",
            "audience_kind",
            "audience_value",
            name=op.f("uq_notifications_event_id_rule_key_audience_kind_audience_value"),
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_notifications_audience_kind_audience_value_seq"),
        "notifications",
        ["audience_kind", "audience_value", "seq"],
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_notifications_jurisdiction_seq"),
        "notifications",
        ["jurisdiction", "seq"],
        schema=SCHEMA,
    )
    op.create_table(
        "notification_reads",
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        _ts("read_at"),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            [f"{SCHEMA}.notifications.id"],
            name=op.f("fk_notification_reads_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notification_id", "account", name=op.f("pk_notification_reads")),
        schema=SCHEMA,
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("event_type", sa.Text(), nullable=True),
        sa.Column("subscription_id", sa.Uuid(), nullable=True),
        sa.Column("account", sa.String(128), nullable=True),
        sa.Column("digest_day", sa.Date(), nullable=True),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at"),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("delivered_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            [f"{SCHEMA}.notifications.id"],
            name=op.f("fk_deliveries_notification_id_notifications"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            [f"{SCHEMA}.subscriptions.id"],
            name=op.f("fk_deliveries_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint(
            "event_id", "channel", "target", name=op.f("uq_deliveries_event_id_channel_target")
        ),
        sa.UniqueConstraint("account", "digest_day", name=op.f("uq_deliveries_account_digest_day")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_deliveries_status_next_attempt_at"),
        "deliveries",
        ["status", "next_attempt_at"],
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_deliveries_jurisdiction"), "deliveries", ["jurisdiction"], schema=SCHEMA
    )
    op.create_index(
        op.f("ix_deliveries_subscription_id"), "deliveries", ["subscription_id"], schema=SCHEMA
    )
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        _ts("at"),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            [f"{SCHEMA}.deliveries.id"],
            name=op.f("fk_delivery_attempts_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_delivery_attempts_delivery_id"),
        "delivery_attempts",
        ["delivery_id"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in (
        "delivery_attempts",
        "deliveries",
        "notification_reads",
        "notifications",
        "subscriptions",
        "people",
        "rules",
    ):
        op.drop_table(table, schema=SCHEMA)

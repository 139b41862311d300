"""Alembic per service: the version table lives in the service's schema.

Each service's ``migrations/env.py`` calls :func:`run_env`. Code calls :func:`upgrade`
(start-up of the embedded platform, tests); operators call ``alembic upgrade head`` with the
service's ``alembic.ini``. The ``*_v1`` helpers are used by initial migrations and are frozen:
a later change to these tables is a new migration, never an edit here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from xuncha_shared.messaging import outbox_trigger_sql


def alembic_config(migrations_dir: Path, schema: str, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("xuncha_schema", schema)
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _configure(connection: Connection, metadata: MetaData, schema: str) -> None:
    # PostgreSQL checks CREATE on the database before IF NOT EXISTS, so a service role that
    # owns its schema (and nothing else) must not even attempt it when the schema is there.
    exists = connection.execute(
        sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
    ).scalar()
    if not exists:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=schema,
        include_schemas=True,
        include_name=lambda name, type_, parent: type_ != "schema" or name == schema,
        compare_type=True,
    )


def run_env(metadata: MetaData) -> None:
    """The body of a service's ``env.py``."""
    config = context.config
    schema = config.get_main_option("xuncha_schema")
    assert schema, "xuncha_schema must be set"
    connection: Connection | None = config.attributes.get("connection")
    if connection is not None:
        _configure(connection, metadata, schema)
        with context.begin_transaction():
            context.run_migrations()
        return

    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set"

    async def run() -> None:
        engine = create_async_engine(url, hide_parameters=True)
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: _run_sync(c, metadata, schema))
        await engine.dispose()

    asyncio.run(run())


def _run_sync(connection: Connection, metadata: MetaData, schema: str) -> None:
    _configure(connection, metadata, schema)
    with context.begin_transaction():
        context.run_migrations()


async def upgrade(engine: AsyncEngine, migrations_dir: Path, schema: str) -> None:
    """Bring the service's schema to the newest revision, in one transaction.

    Services migrating the same database at once serialise on an advisory lock.
    """
    cfg = alembic_config(migrations_dir, schema)

    def run(connection: Connection) -> None:
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('xuncha.migrate'))"))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")

    async with engine.begin() as conn:
        await conn.run_sync(run)


def create_messaging_tables_v1(schema: str) -> None:
    """Outbox (with its NOTIFY trigger) and inbox, as first created."""
    op.create_table(
        "outbox",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("envelope", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("seq", name="uq_outbox_seq"),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["seq"],
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    for statement in outbox_trigger_sql(schema):
        op.execute(statement)
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.Text(), nullable=False),
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
        schema=schema,
    )


def create_org_projection_v1(schema: str) -> None:
    """A consuming service's copy of the org registry, fed by planning's org events."""
    op.create_table(
        "orgs",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orgs"),
        schema=schema,
    )
    op.create_index("ix_orgs_jurisdiction_kind", "orgs", ["jurisdiction", "kind"], schema=schema)


def create_idempotency_table_v1(schema: str) -> None:
    """Stored responses of writes sent with an ``Idempotency-Key``."""
    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(128), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", postgresql.JSONB(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", name="pk_idempotency_keys"),
        schema=schema,
    )


def create_calendar_projection_v1(schema: str) -> None:
    """A consuming service's copy of the holiday calendar, fed by planning's
    ``holiday_calendar.published`` events."""
    op.create_table(
        "calendar_years",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holidays", postgresql.ARRAY(sa.Date()), nullable=False),
        sa.Column("workdays", postgresql.ARRAY(sa.Date()), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", "year", name="pk_calendar_years"),
        schema=schema,
    )


def create_assignment_projection_v1(schema: str) -> None:
    """A consuming service's copy of planning's rounds, groups (with member accounts) and
    assignments (see :mod:`xuncha_shared.assignments`)."""
    uuid_type = postgresql.UUID(as_uuid=True)
    op.create_table(
        "rounds",
        sa.Column("id", uuid_type, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("term_id", uuid_type, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("theme", sa.String(200), nullable=True),
        sa.Column("inspecting_jurisdiction", sa.String(32), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("on_site_from", sa.Date(), nullable=False),
        sa.Column("on_site_until", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        schema=schema,
    )
    op.create_index(
        "ix_rounds_jurisdiction_term", "rounds", ["jurisdiction", "term_id"], schema=schema
    )
    op.create_table(
        "inspection_groups",
        sa.Column("id", uuid_type, nullable=False),
        sa.Column("round_id", uuid_type, nullable=False),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("inspecting_jurisdiction", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inspection_groups"),
        schema=schema,
    )
    op.create_index("ix_inspection_groups_round", "inspection_groups", ["round_id"], schema=schema)
    op.create_table(
        "group_members",
        sa.Column("group_id", uuid_type, nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("cadre_id", uuid_type, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "account", name="pk_group_members"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            [f"{schema}.inspection_groups.id"],
            name="fk_group_members_group",
            ondelete="CASCADE",
        ),
        schema=schema,
    )
    op.create_index("ix_group_members_account", "group_members", ["account"], schema=schema)
    op.create_table(
        "assignments",
        sa.Column("id", uuid_type, nullable=False),
        sa.Column("round_id", uuid_type, nullable=False),
        sa.Column("group_id", uuid_type, nullable=False),
        sa.Column("org_id", uuid_type, nullable=False),
        sa.Column("org_kind", sa.String(20), nullable=False),
        sa.Column("org_jurisdiction", sa.String(32), nullable=False),
        sa.Column("inspecting_jurisdiction", sa.String(32), nullable=False),
        sa.Column("approach", sa.String(20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
        schema=schema,
    )
    op.create_index("ix_assignments_group", "assignments", ["group_id"], schema=schema)
    op.create_index(
        "ix_assignments_round_org", "assignments", ["round_id", "org_id"], schema=schema
    )


def create_document_tables_v1(schema: str) -> None:
    """Gapless document-number counters and the letter templates a jurisdiction uploaded
    (see :mod:`xuncha_shared.documents`)."""
    op.create_table(
        "document_numbers",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("series", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", "series", "year", name="pk_document_numbers"),
        schema=schema,
    )
    op.create_table(
        "letter_templates",
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", "kind", name="pk_letter_templates"),
        schema=schema,
    )

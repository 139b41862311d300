"""Accountability (追责问责) and the leadership roster's projection: the roster entries
planning announces (persons are named by entry), the accountability records of the
jurisdiction and the persons each holds accountable, with the rank they had.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    uuid_type = postgresql.UUID(as_uuid=True)
    op.create_table(
        "roster_members",
        sa.Column("id", uuid_type, primary_key=True),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("org_id", uuid_type, nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("post", sa.String(30), nullable=False),
        sa.Column("post_title", sa.String(50)),
        sa.Column("rank", sa.String(20), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date()),
        sa.Column("account", sa.String(128)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_roster_members_org_id", "roster_members", ["org_id"], schema=SCHEMA)
    op.create_index("ix_roster_members_account", "roster_members", ["account"], schema=SCHEMA)
    op.create_table(
        "accountability_records",
        sa.Column("id", uuid_type, primary_key=True),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column("org_id", uuid_type, nullable=False),
        sa.Column("round_id", uuid_type),
        sa.Column("plan_id", uuid_type, sa.ForeignKey(f"{SCHEMA}.plans.id")),
        sa.Column("task_ids", postgresql.ARRAY(uuid_type), nullable=False),
        sa.Column("failure", sa.String(12), nullable=False),
        sa.Column("deciding_body", sa.String(20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(1000), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_accountability_records_org_id", "accountability_records", ["org_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_accountability_records_jurisdiction_decided",
        "accountability_records",
        ["jurisdiction", "decided_on"],
        schema=SCHEMA,
    )
    op.create_table(
        "accountable_persons",
        sa.Column("id", uuid_type, primary_key=True),
        sa.Column(
            "record_id",
            uuid_type,
            sa.ForeignKey(f"{SCHEMA}.accountability_records.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("member_id", uuid_type, nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("post_title", sa.String(50), nullable=False),
        sa.Column("rank", sa.String(20), nullable=False),
        sa.Column("form", sa.String(30), nullable=False),
        sa.UniqueConstraint("record_id", "member_id", name="uq_accountable_persons_member"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_accountable_persons_record_id", "accountable_persons", ["record_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_accountable_persons_member_id", "accountable_persons", ["member_id"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_table("accountable_persons", schema=SCHEMA)
    op.drop_table("accountability_records", schema=SCHEMA)
    op.drop_table("roster_members", schema=SCHEMA)

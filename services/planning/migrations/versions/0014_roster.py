"""The leadership roster of inspected orgs (领导班子名册): one row per person, post and org
for one term of office, kept after the term ends.

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "planning"


def upgrade() -> None:
    op.create_table(
        "roster_members",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("jurisdiction", sa.String(32), nullable=False),
        sa.Column(
            "org_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey(f"{SCHEMA}.orgs.id"),
            nullable=False,
        ),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("post", sa.String(30), nullable=False),
        sa.Column("post_title", sa.String(50)),
        sa.Column("rank", sa.String(20), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date()),
        sa.Column("account", sa.String(128)),
        sa.Column("phone", sa.String(30)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_roster_members_org_id", "roster_members", ["org_id"], schema=SCHEMA)
    op.create_index(
        "ix_roster_members_jurisdiction_current",
        "roster_members",
        ["jurisdiction", "until"],
        schema=SCHEMA,
    )
    op.create_index(
        "uq_roster_members_current_single_post",
        "roster_members",
        ["org_id", "post"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text(
            "until IS NULL AND post IN ('party_secretary', 'administrative_head', "
            "'discipline_head', 'village_secretary', 'village_director')"
        ),
    )


def downgrade() -> None:
    op.drop_table("roster_members", schema=SCHEMA)

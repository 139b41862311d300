"""Projection of the org registry, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op
from xuncha_shared.migrations import create_messaging_tables_v1, create_org_projection_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"


def upgrade() -> None:
    create_messaging_tables_v1(SCHEMA)
    create_org_projection_v1(SCHEMA)


def downgrade() -> None:
    op.drop_table("orgs", schema=SCHEMA)
    op.drop_table("inbox", schema=SCHEMA)
    op.drop_table("outbox", schema=SCHEMA)

"""Projection of the holiday calendar (planning's calendar_years).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op
from xuncha_shared.migrations import create_calendar_projection_v1

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rectification"


def upgrade() -> None:
    create_calendar_projection_v1(SCHEMA)


def downgrade() -> None:
    op.drop_table("calendar_years", schema=SCHEMA)

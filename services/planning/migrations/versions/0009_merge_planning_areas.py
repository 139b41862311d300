"""Join the four planning areas' migrations (villages, consultation, rounds, pool) into one
head, so later migrations have a single parent.

Revision ID: 0009
Revises: 0005, 0006, 0007, 0008
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | Sequence[str] | None = ("0005", "0006", "0007", "0008")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

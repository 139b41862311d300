"""The directory follows the account ledger: the account version last applied to a person.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "notify"


def upgrade() -> None:
    op.add_column(
        "people", sa.Column("account_version", sa.Integer(), nullable=True), schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_column("people", "account_version", schema=SCHEMA)

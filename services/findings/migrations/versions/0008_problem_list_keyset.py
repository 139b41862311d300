"""The problem list's keyset index: a jurisdiction's problems in the order they were
recorded (created_at, id), whole or by round, so a deep page reads only its own rows.

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-20
"""

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

SCHEMA = "findings"


def upgrade() -> None:
    op.create_index(
        "ix_problems_jurisdiction_created_at_id",
        "problems",
        ["jurisdiction", "created_at", "id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_problems_jurisdiction_round_id_created_at_id",
        "problems",
        ["jurisdiction", "round_id", "created_at", "id"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("ix_problems_jurisdiction_round_id_created_at_id", "problems", schema=SCHEMA)
    op.drop_index("ix_problems_jurisdiction_created_at_id", "problems", schema=SCHEMA)

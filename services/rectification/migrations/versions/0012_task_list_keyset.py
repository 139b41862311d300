"""The task list's keyset index: a jurisdiction's tasks in the order they were opened
(opened_at, id), whole or by status, so a deep page reads only its own rows.

Revision ID: 0012
Revises: 0011
Create Date: 2027-01-20
"""

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

SCHEMA = "rectification"


def upgrade() -> None:
    op.create_index(
        "ix_tasks_jurisdiction_opened_at_id",
        "tasks",
        ["jurisdiction", "opened_at", "id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_tasks_jurisdiction_status_opened_at_id",
        "tasks",
        ["jurisdiction", "status", "opened_at", "id"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_jurisdiction_status_opened_at_id", "tasks", schema=SCHEMA)
    op.drop_index("ix_tasks_jurisdiction_opened_at_id", "tasks", schema=SCHEMA)

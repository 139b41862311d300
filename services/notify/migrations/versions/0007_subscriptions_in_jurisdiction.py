"""Subscriptions within the subscriber's jurisdiction: a subscription made for an org that
planning's registry places in another jurisdiction is deleted (soft, as the API deletes),
and its pending deliveries are dead-lettered with the reason.

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-18
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "notify"

ELSEWHERE = f"""
SELECT s.id FROM {SCHEMA}.subscriptions s
JOIN {SCHEMA}.orgs o ON o.id = s.org_id
WHERE o.jurisdiction <> s.jurisdiction
"""


def upgrade() -> None:
    op.execute(
        f"UPDATE {SCHEMA}.deliveries SET status = 'dead',"
        " last_error = '订阅单位不属于本辖区 subscription outside its jurisdiction',"
        " updated_at = now()"
        f" WHERE status = 'pending' AND subscription_id IN ({ELSEWHERE})"
    )
    op.execute(
        f"UPDATE {SCHEMA}.subscriptions SET deleted = true, active = false,"
        f" version = version + 1, updated_at = now() WHERE id IN ({ELSEWHERE})"
    )


def downgrade() -> None:
    """Nothing to undo: the deleted subscriptions stay deleted."""

"""Notifications by role as well as org: each notification names the roles it is meant for.

Existing notifications get the roles their kind implies: a role audience its role; an
account audience none (addressed to the account itself); an org audience the roles its
event type's org field means (the inspected org for rectification, hand-overs and the
feedback's own org; the department for consultations, forwarded reports, clues and the
feedback's copies; either for letters and anything else).

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-18
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "notify"

INSPECTED = "ARRAY['inspected']::varchar(20)[]"
DEPARTMENT = "ARRAY['department','discipline','organization']::varchar(20)[]"
EITHER = "ARRAY['department','discipline','inspected','organization']::varchar(20)[]"

BACKFILL = f"""
UPDATE {SCHEMA}.notifications SET roles = CASE
    WHEN audience_kind = 'role' THEN ARRAY[audience_value]::varchar(20)[]
    WHEN audience_kind = 'account' THEN ARRAY[]::varchar(20)[]
    WHEN event_type = 'xuncha.findings.feedback.issued.v1' THEN
        CASE WHEN audience_value = lower(subject) THEN {INSPECTED} ELSE {DEPARTMENT} END
    WHEN event_type LIKE 'xuncha.planning.consultation.%' THEN {DEPARTMENT}
    WHEN event_type LIKE 'xuncha.findings.public\\_report.%' THEN {DEPARTMENT}
    WHEN event_type LIKE 'xuncha.clues.%' THEN {DEPARTMENT}
    WHEN event_type LIKE 'xuncha.findings.problem.%' THEN {INSPECTED}
    WHEN event_type LIKE 'xuncha.findings.report.%' THEN {INSPECTED}
    WHEN event_type LIKE 'xuncha.rectification.%' THEN {INSPECTED}
    ELSE {EITHER}
END
"""


def upgrade() -> None:
    op.add_column(
        "notifications",
        sa.Column("roles", postgresql.ARRAY(sa.String(20)), nullable=True),
        schema=SCHEMA,
    )
    op.execute(BACKFILL)
    op.alter_column("notifications", "roles", nullable=False, schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("notifications", "roles", schema=SCHEMA)

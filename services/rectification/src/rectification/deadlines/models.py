"""The deadlines' table: each due-soon or overdue notice emitted, once."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import PrimaryKeyConstraint
from sqlmodel import Field

from rectification.models import Base, moment_field

# The kinds of notice.
DUE_SOON = "due_soon"
OVERDUE = "overdue"


class DeadlineNotice(Base, table=True):
    """One due-soon or overdue fact emitted, keyed by what, its deadline and the kind: the
    key makes each fact go out once, and a moved deadline a new key."""

    __tablename__ = "deadline_notices"
    __table_args__ = (PrimaryKeyConstraint("subject_id", "what", "notice", "due_on"),)

    subject_id: uuid.UUID
    what: str = Field(max_length=10)
    notice: str = Field(max_length=10)
    due_on: date
    plan_id: uuid.UUID
    emitted_at: datetime = moment_field()

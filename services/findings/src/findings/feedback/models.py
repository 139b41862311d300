"""Table of feedbacks (反馈): one per assignment."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from findings.models import Base, ts


class Feedback(Base, table=True):
    """The approved problem list handed to the inspected org."""

    __tablename__ = "feedbacks"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    assignment_id: uuid.UUID = Field(unique=True)
    round_id: uuid.UUID
    org_id: uuid.UUID = Field(index=True)
    report_id: uuid.UUID
    copied_to_org_ids: list[uuid.UUID] = Field(
        sa_column=Column(ARRAY(UUID(as_uuid=True)), nullable=False)
    )
    problem_count: int
    immediate_count: int
    issued_by: str = Field(max_length=128)
    issued_at: datetime = ts()

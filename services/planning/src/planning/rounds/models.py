"""Tables of rounds beyond ``planning.models.Round``: its transitions and briefings."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Field

from planning.models import Base, fk_column, ts_column


class RoundTransition(Base, table=True):
    """Each move of a round from one stage to the next, with who and when."""

    __tablename__ = "round_transitions"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = fk_column("rounds")
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    at: datetime = ts_column()
    actor: str = Field(max_length=128)


class RoundBriefing(Base, table=True):
    """A briefing of the leadership group before, during or after a round (汇报)."""

    __tablename__ = "round_briefings"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    round_id: uuid.UUID = fk_column("rounds")
    stage: str = Field(max_length=10)
    held_on: date
    summary: str = Field(max_length=4000)
    recorded_by: str = Field(max_length=128)
    created_at: datetime = ts_column()

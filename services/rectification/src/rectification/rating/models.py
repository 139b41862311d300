"""The rating's table: the latest rating of a plan."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlmodel import Field

from rectification.models import SCHEMA, Base, moment_field, text_field


class RatingRow(Base, table=True):
    """The latest rating (量化评估) of an org's rectification for a round."""

    __tablename__ = "ratings"

    plan_id: uuid.UUID = Field(
        sa_column=Column(UUID(as_uuid=True), ForeignKey(f"{SCHEMA}.plans.id"), primary_key=True)
    )
    jurisdiction: str = Field(max_length=32, index=True)
    round_id: uuid.UUID
    org_id: uuid.UUID
    rating: str = Field(max_length=10)
    score: float
    factors: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    explanation_zh: str = text_field(nullable=False)
    rated_at: datetime = moment_field()
    rated_by: str = Field(max_length=128)

"""The rating's table: the latest rating of a plan by the formula, the rating panel's
judgement (量化评估组) and the office's adjustment, and the final rating they make."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlmodel import Field

from rectification.models import SCHEMA, Base, moment_field, text_field


class RatingRow(Base, table=True):
    """The latest rating (量化评估) of an org's rectification for a round: ``rating`` is the
    formula's; ``final_rating`` the office's adjustment, else the panel's, else the formula's
    (:func:`rectification.rating.final.final_rating`)."""

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
    final_rating: str = Field(max_length=10)
    panel_rating: str | None = Field(default=None, max_length=10)
    panel_members: str | None = Field(default=None, sa_column=Column(String(500)))
    panel_judged_on: date | None = None
    panel_opinion: str | None = Field(default=None, sa_column=Column(String(2000)))
    judged_at: datetime | None = moment_field(nullable=True)
    judged_by: str | None = Field(default=None, max_length=128)
    adjusted_rating: str | None = Field(default=None, max_length=10)
    adjustment_reason: str | None = Field(default=None, sa_column=Column(String(1000)))
    adjusted_at: datetime | None = moment_field(nullable=True)
    adjusted_by: str | None = Field(default=None, max_length=128)
    version: int = 1

"""The jurisdiction's own entries of the problem list (问题清单)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field

from findings.models import Base, ts


class ProblemCategory(Base, table=True):
    """A jurisdiction's entry in its problem list, overriding or adding to the defaults.

    ``org_kinds`` empty means every kind; ``active`` False hides a default category."""

    __tablename__ = "problem_categories"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    code: str = Field(max_length=64, primary_key=True)
    name: str = Field(max_length=64)
    org_kinds: list[str] = Field(sa_column=Column(ARRAY(String(20)), nullable=False))
    sort_order: int = 0
    active: bool = True
    version: int = 1
    updated_at: datetime = ts()
    updated_by: str = Field(max_length=128)

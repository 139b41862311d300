"""The rules' table: a jurisdiction's own rules, the documented defaults without a row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from rectification.models import Base


class RulesRow(Base, table=True):
    """A jurisdiction's rectification rules (rhythm, cards, rating); defaults without a row."""

    __tablename__ = "rules"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    rules: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    version: int = 1
    updated_at: datetime = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_by: str = Field(max_length=128)

"""The office's routing rules (overrides of, and additions to, the default rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field

from notify.models import Base


class RuleRow(Base, table=True):
    """A rule of one jurisdiction, keyed like the default it replaces (or a new key)."""

    __tablename__ = "rules"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    key: str = Field(max_length=64, primary_key=True)
    event_type: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    conditions: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    audiences: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    channels: list[str] = Field(sa_column=Column(ARRAY(String(10)), nullable=False))
    active: bool = True
    version: int = 1
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(max_length=128)

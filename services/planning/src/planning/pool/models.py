"""Tables of the talent-pool area beyond the core ones in ``planning.models``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, String
from sqlmodel import Field

from planning.models import Base


class AvoidanceSetting(Base, table=True):
    """A jurisdiction's avoidance window: how many years a former post still bars a cadre
    from inspecting that org (原单位回避年限). Without a row the default applies."""

    __tablename__ = "avoidance_settings"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    former_unit_years: int
    version: int = 1
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(sa_column=Column(String(128), nullable=False))

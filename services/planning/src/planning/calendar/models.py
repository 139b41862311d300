"""The holiday calendar's table."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field

from planning.models import Base


class CalendarYear(Base, table=True):
    """One year of a jurisdiction's holiday calendar as the office entered it (节假日安排).

    It replaces the chinese-calendar package's data for that year; the columns other than
    ``updated_by`` are those of the other services' projection, so ``load_calendar`` reads
    either table.
    """

    __tablename__ = "calendar_years"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    holidays: list[date] = Field(sa_column=Column(ARRAY(Date), nullable=False))
    workdays: list[date] = Field(sa_column=Column(ARRAY(Date), nullable=False))
    version: int = 1
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(sa_column=Column(String(128), nullable=False))

"""The funds comparison's table: one row per project of a special round (三个数据比对)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Text
from sqlmodel import Field

from findings.models import Base, money, ts


class FundsProject(Base, table=True):
    """One project of a special round's funds comparison (上级给多少、被巡察单位支多少、
    实际落地多少), in yuan."""

    __tablename__ = "funds_projects"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    jurisdiction: str = Field(max_length=32)
    assignment_id: uuid.UUID = Field(index=True)
    name: str = Field(max_length=200)
    allocated_yuan: Decimal = money(nullable=False)  # type: ignore[assignment]
    paid_out_yuan: Decimal = money(nullable=False)  # type: ignore[assignment]
    delivered_yuan: Decimal = money(nullable=False)  # type: ignore[assignment]
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = 1
    created_by: str = Field(max_length=128)
    created_at: datetime = ts()
    updated_at: datetime = ts()

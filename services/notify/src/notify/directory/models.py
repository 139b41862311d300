"""People notify writes to (通讯录)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, String
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from notify.models import Base


class Person(Base, table=True):
    """One account (token ``sub``) with its roles, org and contact."""

    __tablename__ = "people"

    account: str = Field(max_length=128, primary_key=True)
    jurisdiction: str = Field(max_length=32, index=True)
    display_name: str = Field(max_length=50)
    roles: list[str] = Field(sa_column=Column(ARRAY(String(20)), nullable=False))
    org_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(UUID(as_uuid=True), nullable=True, index=True)
    )
    email: str | None = Field(default=None, max_length=254)
    daily_digest: bool = False
    active: bool = True
    version: int = 1
    # The account ledger's version last applied (None: entered by hand, never followed).
    account_version: int | None = None
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_by: str = Field(max_length=128)

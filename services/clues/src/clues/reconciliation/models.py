"""The ledgers receiving departments post for reconciliation (对账)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from clues.models import Base


class RecipientLedger(Base, table=True):
    """The latest ledger one department posted: its clue ids with its status and figures."""

    __tablename__ = "recipient_ledgers"

    recipient_org_id: uuid.UUID = Field(primary_key=True)
    jurisdiction: str = Field(max_length=32, primary_key=True)
    entries: list[dict[str, Any]] = Field(sa_column=Column(JSONB, nullable=False))
    posted_by: str = Field(max_length=128)
    posted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))

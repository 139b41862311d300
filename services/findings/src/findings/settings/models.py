"""The jurisdiction's findings settings."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlmodel import Field

from findings.models import Base, ts


class FindingsSettingsRow(Base, table=True):
    """A jurisdiction's own settings; without a row the documented defaults apply."""

    __tablename__ = "jurisdiction_settings"

    jurisdiction: str = Field(max_length=32, primary_key=True)
    issuer_short: str = Field(max_length=8)
    issuer_name: str = Field(max_length=64)
    letter_reply_workdays: int
    forward_reply_workdays: int
    similarity_threshold: int
    feedback_copy_org_ids: list[uuid.UUID] = Field(
        sa_column=Column(ARRAY(UUID(as_uuid=True)), nullable=False)
    )
    version: int = 1
    updated_at: datetime = ts()
    updated_by: str = Field(max_length=128)

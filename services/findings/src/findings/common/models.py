"""Shared tables: the problem list (问题清单), per-jurisdiction settings, evidence files
and the clue links learned from the clues service's events."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, String
from sqlalchemy.dialects.postgresql import ARRAY, UUID
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


class EvidenceFile(Base, table=True):
    """One stored file, addressed by the SHA-256 of its bytes (stored once however often
    it is attached)."""

    __tablename__ = "evidence_files"

    sha256: str = Field(max_length=64, primary_key=True)
    size: int
    media_type: str = Field(max_length=100)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = ts()


class ClueLink(Base, table=True):
    """A clue that came from a problem or a public report: ids and status only."""

    __tablename__ = "clue_links"
    __table_args__ = (
        Index(None, "source_problem_id"),
        Index(None, "source_report_id"),
    )

    clue_id: uuid.UUID = Field(primary_key=True)
    jurisdiction: str = Field(max_length=32)
    source_problem_id: uuid.UUID | None = None
    source_report_id: uuid.UUID | None = None
    status: str = Field(max_length=20)
    version: int
    updated_at: datetime = ts()

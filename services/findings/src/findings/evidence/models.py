"""Evidence files, stored once per content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field

from findings.models import Base, ts


class EvidenceFile(Base, table=True):
    """One stored file, addressed by the SHA-256 of its bytes (stored once however often
    it is attached)."""

    __tablename__ = "evidence_files"

    sha256: str = Field(max_length=64, primary_key=True)
    size: int
    media_type: str = Field(max_length=100)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = ts()

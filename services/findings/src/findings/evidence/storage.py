"""Evidence files: content-addressed (SHA-256), stored once, their type sniffed from the
bytes by :func:`xuncha_shared.files.accepted_upload` (the client's declared type is ignored).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.files import accepted_upload

from findings.evidence import repository
from findings.evidence.models import EvidenceFile


async def store(session: AsyncSession, content: bytes, *, now: datetime) -> EvidenceFile:
    """Store the bytes (once per content) and return the file record; 415 for a type not
    accepted, 422 for an empty file."""
    media_type, digest = accepted_upload(content)
    file = EvidenceFile(
        sha256=digest, size=len(content), media_type=media_type, content=content, created_at=now
    )
    await repository.add_evidence_file(session, file)
    return file

"""Evidence files: content-addressed (SHA-256), type sniffed from the bytes, stored once.

The client's declared type is ignored: the first bytes decide. Accepted: PDF, JPEG, PNG,
Word and Excel (OOXML, checked inside the zip), and UTF-8 plain text.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.exports import XLSX_MEDIA_TYPE
from xuncha_shared.problems import Problem

from findings.evidence import repository
from findings.evidence.models import EvidenceFile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class UnsupportedMediaType(Problem):
    status = 415
    code = "unsupported-media-type"
    title = "Unsupported media type"


def sniff(content: bytes) -> str | None:
    """The media type the bytes really are, or None when not an accepted kind."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX_MEDIA_TYPE
        return None
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain; charset=utf-8"


async def store(session: AsyncSession, content: bytes, *, now: datetime) -> EvidenceFile:
    """Store the bytes (once per content) and return the file record; 415 for a type not
    accepted, 422 for an empty file."""
    if not content:
        raise Problem("文件为空", "The file is empty", field="file", code="empty-file", status=422)
    media_type = sniff(content)
    if media_type is None:
        raise UnsupportedMediaType(
            "只接受 PDF、JPEG、PNG、Word、Excel 或纯文本文件",
            "Only PDF, JPEG, PNG, Word, Excel or plain-text files are accepted",
            field="file",
        )
    digest = hashlib.sha256(content).hexdigest()
    file = EvidenceFile(
        sha256=digest, size=len(content), media_type=media_type, content=content, created_at=now
    )
    await repository.add_evidence_file(session, file)
    return file

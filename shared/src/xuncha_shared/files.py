"""Uploaded evidence files: the type sniffed from the bytes, never taken from the client.

Accepted: PDF, JPEG, PNG, Word and Excel (OOXML, checked inside the zip) and UTF-8 plain
text. Findings and rectification both store uploads content-addressed (SHA-256); each keeps
its own table, and both check the bytes here, so a file one service accepts the other does.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

from xuncha_shared.documents.letters import DOCX_MEDIA_TYPE
from xuncha_shared.exports import XLSX_MEDIA_TYPE
from xuncha_shared.problems import Problem

__all__ = ["UnsupportedMediaType", "accepted_upload", "sniff"]


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
                return DOCX_MEDIA_TYPE
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


def accepted_upload(content: bytes) -> tuple[str, str]:
    """The media type and SHA-256 (hex) of an uploaded file's bytes; 422 for an empty file,
    415 for a type not accepted."""
    if not content:
        raise Problem("文件为空", "The file is empty", field="file", code="empty-file", status=422)
    media_type = sniff(content)
    if media_type is None:
        raise UnsupportedMediaType(
            "只接受 PDF、JPEG、PNG、Word、Excel 或纯文本文件",
            "Only PDF, JPEG, PNG, Word, Excel or plain-text files are accepted",
            field="file",
        )
    return media_type, hashlib.sha256(content).hexdigest()

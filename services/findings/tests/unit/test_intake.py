"""Evidence sniffing, receipt codes and funds gaps: pure functions."""

from __future__ import annotations

import io
import uuid
import zipfile
from decimal import Decimal

from docx import Document
from findings.funds.models import FundsProject
from findings.funds.service import gaps
from findings.public_reports.service import new_receipt_code, receipt_hash
from xuncha_shared.documents.letters import DOCX_MEDIA_TYPE as DOCX
from xuncha_shared.files import sniff


def test_sniff_trusts_bytes_not_names() -> None:
    assert sniff(b"%PDF-1.7 ...") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0JFIF") == "image/jpeg"
    assert sniff("谈话记录".encode()) == "text/plain; charset=utf-8"
    assert sniff(b"MZ\x90\x00") is None
    assert sniff(b"\xff\xfe\x00\x00") is None
    buf = io.BytesIO()
    Document().save(buf)
    assert sniff(buf.getvalue()) == DOCX
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("evil.exe", b"MZ")
    assert sniff(other.getvalue()) is None
    assert sniff(b"PK\x03\x04garbage") is None


def test_receipt_codes_are_random_and_hash_normalised() -> None:
    codes = {new_receipt_code() for _ in range(1000)}
    assert len(codes) == 1000
    code = next(iter(codes))
    assert len(code) == 24 and code.count("-") == 4
    assert receipt_hash(code) == receipt_hash(code.lower().replace("-", " "))


def test_funds_gaps_are_exact_decimals() -> None:
    p = FundsProject(
        jurisdiction="x",
        assignment_id=uuid.uuid4(),
        name="危房改造",
        allocated_yuan=Decimal("100000.10"),
        paid_out_yuan=Decimal("90000.05"),
        delivered_yuan=Decimal("89999.99"),
        created_by="t",
    )
    assert gaps(p) == (Decimal("10000.05"), Decimal("0.06"))

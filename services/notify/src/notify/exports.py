"""XLSX exports of the notify ledgers, in the jurisdiction's wall-clock time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import Response
from xuncha_shared.exports import attachment, workbook, yes_no


def xlsx_response(
    *,
    filename: str,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    timezone: str,
) -> Response:
    """One sheet of ``rows`` as a download; yes-no columns read 是/否."""
    readable = ([yes_no(v) if isinstance(v, bool) else v for v in row] for row in rows)
    return attachment(workbook(sheet, headers, readable, tz=ZoneInfo(timezone)), filename=filename)

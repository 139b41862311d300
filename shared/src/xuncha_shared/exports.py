"""File responses every service gives: XLSX ledgers (openpyxl) and attachments with a
Chinese file name.

Every worksheet row the platform writes goes through :func:`append_row` (a structure rule
holds every module to it): one stored record with a control character must not take an
export down, and a citizen's ``=HYPERLINK(...)`` must reach the office as the text it is,
never as a live formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xuncha_shared.text import without_control_characters
from xuncha_shared.workdays import SHANGHAI

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "XLSX 工作簿"}
}
"""``responses=`` for an export route's OpenAPI entry."""


def cell_value(value: Any, tz: tzinfo = SHANGHAI) -> Any:
    """A value openpyxl can write. Excel has no time zones, so a moment is written as the
    jurisdiction's wall-clock time; amounts become numbers; lists are joined with 、."""
    if isinstance(value, datetime):
        moment = value.astimezone(tz) if value.tzinfo is not None else value
        return moment.replace(tzinfo=None, microsecond=0)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return "、".join(str(cell_value(v, tz)) for v in value)
    if isinstance(value, str):
        # Control characters have no place in a worksheet (openpyxl refuses most): one stored
        # before they were refused must not take the whole export down.
        return without_control_characters(value)
    if value is None or isinstance(value, int | float | bool):
        return value
    return value if hasattr(value, "isoformat") else str(value)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""How a text starts that a spreadsheet would read as a formula (OWASP's CSV injection)."""


def append_row(sheet: Worksheet, values: Iterable[Any], *, tz: tzinfo = SHANGHAI) -> None:
    """Write one row at the end of ``sheet``, every value through :func:`cell_value`.

    A text starting like a formula stays text, unchanged: the cell's type is string (openpyxl
    would otherwise store ``=...`` as a formula) and it carries Excel's quote prefix, the
    invisible apostrophe, so editing the cell in Excel does not turn it into one either.
    """
    cells = [cell_value(v, tz) for v in values]
    sheet.append(cells)
    row = sheet.max_row
    for column, value in enumerate(cells, start=1):
        if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"
            cell.quotePrefix = True


def workbook(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    tz: tzinfo = SHANGHAI,
) -> bytes:
    """One sheet: a bold, frozen header row, then the rows; columns sized to the headers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # Excel's limit
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = "A2"
    for row in rows:
        append_row(sheet, row, tz=tz)
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(header) + 4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(
    content: bytes, *, filename: str, media_type: str = XLSX_MEDIA_TYPE, ascii_name: str = ""
) -> Response:
    """A download with the Chinese ``filename`` (RFC 5987) and an ASCII fallback."""
    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    fallback = ascii_name or f"export{suffix}"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename={fallback}; "
            f"filename*=UTF-8''{quote(filename)}"
        },
    )


def yes_no(value: bool | None) -> str:
    """是 / 否 for a yes-no column (blank when unknown)."""
    return "" if value is None else ("是" if value else "否")

"""One small helper for the service's XLSX exports (openpyxl, write-only)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from xuncha_shared.workdays import SHANGHAI

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | Decimal | bool | date | datetime | None


def _value(v: Cell) -> str | int | float | bool | date | None:
    if isinstance(v, datetime):
        return v.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if isinstance(v, Decimal):
        return float(v)
    return v


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A one-sheet workbook with a bold header row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_value(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

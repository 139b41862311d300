"""XLSX ledgers of notify, described by their columns, in the jurisdiction's wall-clock time.

The kit's :func:`xuncha_shared.web.xlsx_ledger` writes moments in Beijing time; notify keeps
honouring the service's ``timezone`` setting, and writes yes-no cells as 是/否.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from fastapi.responses import Response
from xuncha_shared.exports import attachment, workbook, yes_no
from xuncha_shared.web import Column

R = TypeVar("R")


def xlsx_ledger_in(
    timezone: str,
    title: str,
    columns: Sequence[Column[R]],
    records: Iterable[R],
    *,
    filename: str,
) -> Response:
    """The download of ``records`` as a one-sheet workbook named ``title``."""
    rows = (
        [yes_no(v) if isinstance(v, bool) else v for v in (c.value(r) for c in columns)]
        for r in records
    )
    headers = [c.header for c in columns]
    return attachment(workbook(title, headers, rows, tz=ZoneInfo(timezone)), filename=filename)

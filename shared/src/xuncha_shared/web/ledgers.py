"""A ledger's XLSX export, described by its columns.

``xlsx_ledger("问题台账", PROBLEM_COLUMNS, problems, filename="问题台账.xlsx")`` answers the
download: one sheet, the headers bold and frozen, one row per record, moments in Beijing time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Generic, TypeVar

from fastapi import Response

from xuncha_shared.exports import attachment, workbook
from xuncha_shared.workdays import SHANGHAI

R = TypeVar("R")


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header and how a record gives its cell."""

    header: str
    value: Callable[[R], Any]


def xlsx_ledger(
    title: str,
    columns: Sequence[Column[R]],
    records: Iterable[R],
    *,
    filename: str,
    ascii_name: str = "",
    numbered: bool = False,
    tz: tzinfo = SHANGHAI,
) -> Response:
    """The download of ``records`` as a one-sheet workbook; ``numbered`` adds 序号 first;
    moments are written as wall-clock time in ``tz`` (Beijing unless the office set another)."""
    headers = (["序号"] if numbered else []) + [c.header for c in columns]
    rows = (
        ([i] if numbered else []) + [c.value(r) for c in columns]
        for i, r in enumerate(records, start=1)
    )
    content = workbook(title, headers, rows, tz=tz)
    return attachment(content, filename=filename, ascii_name=ascii_name)

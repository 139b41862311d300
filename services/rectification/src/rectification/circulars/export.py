"""The circular ledger (典型案例通报台账) as an XLSX workbook: one row per case, with its
circular's number, title, date and status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Response
from xuncha_shared.events.rectification import TypicalCaseKind
from xuncha_shared.web import Column, xlsx_ledger

from rectification.circulars.schemas import CaseRead, CircularRead
from rectification.circulars.service import KIND_ZH, STATUS_ZH


@dataclass(frozen=True)
class _Line:
    circular: CircularRead
    case: CaseRead | None


COLUMNS: list[Column[_Line]] = [
    Column("文号", lambda x: x.circular.doc_number or ""),
    Column("通报标题", lambda x: x.circular.title),
    Column("通报日期", lambda x: str(x.circular.issued_on)),
    Column("状态", lambda x: STATUS_ZH[x.circular.status.value]),
    Column("案例序号", lambda x: x.case.position if x.case else ""),
    Column("被巡察对象", lambda x: (x.case.org_name or str(x.case.org_id)) if x.case else ""),
    Column("案例类型", lambda x: KIND_ZH[TypicalCaseKind(x.case.kind)] if x.case else ""),
    Column("查实的问题", lambda x: x.case.finding if x.case else ""),
    Column("印发时间", lambda x: x.circular.published_at or ""),
]


def circulars_xlsx(rows: Sequence[CircularRead]) -> Response:
    """The download: each circular's cases, a circular without any on one line of its own."""
    lines = [
        _Line(circular, case)
        for circular in rows
        for case in (list[CaseRead | None](circular.cases) or [None])
    ]
    return xlsx_ledger(
        "典型案例通报台账", COLUMNS, lines, filename="rectification-circulars.xlsx", numbered=True
    )

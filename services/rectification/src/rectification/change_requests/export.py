"""The change-request ledger (调整申请台账) as an XLSX workbook."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Response
from xuncha_shared.web import Column, xlsx_ledger

from rectification.change_requests.schemas import ChangeRequestRead
from rectification.change_requests.service import STATUS_ZH
from rectification.plans.decided import FIELD_ZH
from rectification.plans.export import KIND_ZH


def _kind(value: object) -> str:
    return "" if value is None else KIND_ZH.get(str(value), str(value))


def _day(value: object) -> str:
    return "" if value is None else str(value)


COLUMNS: list[Column[ChangeRequestRead]] = [
    Column("被巡察对象", lambda r: r.org_name or str(r.org_id)),
    Column("整改任务编号", lambda r: str(r.task_id)),
    Column("申请调整事项", lambda r: [FIELD_ZH[f.value] for f in r.fields]),
    Column("原整改类型", lambda r: _kind(r.current_kind.value)),
    Column("申请整改类型", lambda r: _kind(r.kind.value if r.kind else None)),
    Column("原整改时限", lambda r: _day(r.current_due_on)),
    Column("申请整改时限", lambda r: _day(r.due_on)),
    Column("申请整改措施", lambda r: r.measures or ""),
    Column("申请理由", lambda r: r.reason),
    Column("申请时间", lambda r: r.filed_at),
    Column("状态", lambda r: STATUS_ZH.get(r.status.value, r.status.value)),
    Column("审批意见", lambda r: r.opinion or ""),
    Column("审批时间", lambda r: r.decided_at or ""),
]


def change_requests_xlsx(rows: Sequence[ChangeRequestRead]) -> Response:
    """The download: one row per request, in the order given (every cell through
    ``append_row``, so a reason written like a formula stays text)."""
    return xlsx_ledger(
        "调整申请台账", COLUMNS, rows, filename="rectification-change-requests.xlsx", numbered=True
    )

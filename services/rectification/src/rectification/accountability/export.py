"""The accountability ledger (追责问责台账) as an XLSX workbook: one row per person held
accountable (一人次), with his record's org, failure, deciding body, date and basis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Response
from xuncha_shared.events.rectification.accountability import (
    ACCOUNTABILITY_FORM_LABELS_ZH,
    DECIDING_BODY_LABELS_ZH,
)
from xuncha_shared.roster import CADRE_RANK_LABELS_ZH
from xuncha_shared.web import Column, xlsx_ledger

from rectification.accountability.schemas import AccountabilityRead, AccountablePersonRead
from rectification.circulars.service import KIND_ZH


@dataclass(frozen=True)
class _Line:
    record: AccountabilityRead
    person: AccountablePersonRead


COLUMNS: list[Column[_Line]] = [
    Column("被巡察对象", lambda x: x.record.org_name or str(x.record.org_id)),
    Column("问责事由", lambda x: KIND_ZH[x.record.failure]),
    Column("被问责人", lambda x: x.person.name),
    Column("职务", lambda x: x.person.post_title),
    Column("职级", lambda x: CADRE_RANK_LABELS_ZH[x.person.rank]),
    Column("问责方式", lambda x: ACCOUNTABILITY_FORM_LABELS_ZH[x.person.form]),
    Column("决定机关", lambda x: DECIDING_BODY_LABELS_ZH[x.record.deciding_body]),
    Column("决定日期", lambda x: str(x.record.decided_on)),
    Column("问责依据", lambda x: x.record.basis),
    Column("问责记录编号", lambda x: str(x.record.id)),
]


def accountability_xlsx(rows: Sequence[AccountabilityRead]) -> Response:
    """The download: each record's persons, one line each."""
    lines = [_Line(record, person) for record in rows for person in record.persons]
    return xlsx_ledger(
        "追责问责台账", COLUMNS, lines, filename="rectification-accountability.xlsx", numbered=True
    )

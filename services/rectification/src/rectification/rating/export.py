"""The rating ledger (整改成效评定台账) as an XLSX workbook: the final rating first, then the
formula's, the rating panel's and the office's adjustment, each with who and why."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Response
from xuncha_shared.events.rectification import Rating
from xuncha_shared.web import Column, xlsx_ledger

from rectification.rating.schemas import RatingRead
from rectification.rating.scoring import RATING_ZH


def _zh(value: Rating | None) -> str:
    return "" if value is None else RATING_ZH[value]


COLUMNS: list[Column[RatingRead]] = [
    Column("被巡察对象", lambda r: r.org_name or str(r.org_id)),
    Column("评定等次", lambda r: _zh(r.final_rating)),
    Column("公式评定等次", lambda r: _zh(r.rating)),
    Column("得分", lambda r: r.score),
    Column("评定说明", lambda r: r.explanation_zh),
    Column("评定时间", lambda r: r.rated_at),
    Column("评估组评定等次", lambda r: _zh(r.panel.rating) if r.panel else ""),
    Column("评估组成员", lambda r: r.panel.members if r.panel else ""),
    Column("评估组评定日期", lambda r: str(r.panel.judged_on) if r.panel else ""),
    Column("评估意见", lambda r: (r.panel.opinion or "") if r.panel else ""),
    Column("调整后等次", lambda r: _zh(r.adjustment.rating) if r.adjustment else ""),
    Column("调整理由", lambda r: r.adjustment.reason if r.adjustment else ""),
    Column("调整人", lambda r: r.adjustment.adjusted_by if r.adjustment else ""),
    Column("调整时间", lambda r: r.adjustment.adjusted_at if r.adjustment else ""),
]


def ratings_xlsx(rows: Sequence[RatingRead]) -> Response:
    """The download: one row per rating, in the order given (lowest score first)."""
    return xlsx_ledger(
        "整改成效评定", COLUMNS, rows, filename="rectification-ratings.xlsx", numbered=True
    )

"""A term's village classes as an XLSX workbook (村分类结果表), in the layout an office files:
one row per village, then a summary per township."""

from __future__ import annotations

import io
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from xuncha_shared.events.planning import VillageApproach, VillageClass
from xuncha_shared.exports import append_row

from planning.models import Org
from planning.villages.repository import ClassificationRow
from planning.villages.rules import (
    APPROACH_LABELS_ZH,
    CLASS_LABELS_ZH,
    JUDGEMENT_LABELS_ZH,
    Judgement,
)
from planning.villages.workflow import STAGE_LABELS_ZH, Stage

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CLASS_HEADERS = (
    "序号", "乡镇", "村", "编码", "村集体经济收入（元）", "信访举报（件）", "以往发现问题（个）",
    "三资规模（元）", "定性评价", "得分", "测算类别", "当前环节", "类别", "巡察方式", "审定时间",
    "审定人",
)  # fmt: skip
SUMMARY_HEADERS = (
    "乡镇", "村（社区）数", "已录入", "重点村", "一般村", "先进村", "已录入未审定", "未录入",
)  # fmt: skip
_WIDTHS = (6, 16, 16, 16, 18, 12, 14, 18, 10, 8, 10, 16, 8, 18, 18, 16)
NO_TOWNSHIP = "（无所属乡镇）"


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    # Excel has no time zones: write the jurisdiction's wall-clock time.
    if moment is None:
        return None
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0)


def _header(ws: Worksheet, headers: Sequence[str]) -> None:
    append_row(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"


def _class_rows(ws: Worksheet, rows: Sequence[ClassificationRow], tz: ZoneInfo) -> None:
    for n, row in enumerate(rows, start=1):
        c = row.classification
        klass = CLASS_LABELS_ZH[VillageClass(c.village_class)] if c.village_class else "未审定"
        append_row(
            ws,
            [
                n,
                row.township.name if row.township else NO_TOWNSHIP,
                row.village.name,
                row.village.code,
                c.collective_income,
                c.petitions,
                c.prior_problems,
                c.assets,
                JUDGEMENT_LABELS_ZH[Judgement(c.judgement)],
                c.score,
                CLASS_LABELS_ZH[VillageClass(c.scored_class)],
                STAGE_LABELS_ZH[Stage(c.stage)],
                klass,
                APPROACH_LABELS_ZH[VillageApproach(c.approach)] if c.approach else "",
                _local(c.approved_at, tz),
                c.approved_by or "",
            ],
            tz=tz,
        )
        r = ws.max_row
        for col in ("E", "H"):
            ws[f"{col}{r}"].number_format = "#,##0.00"
        ws[f"J{r}"].number_format = "0.00"
        ws[f"O{r}"].number_format = "yyyy-mm-dd hh:mm:ss"
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[chr(ord("A") + i - 1)].width = width


def _summary_rows(
    ws: Worksheet,
    rows: Sequence[ClassificationRow],
    villages: Mapping[uuid.UUID | None, int],
    townships: Mapping[uuid.UUID, Org],
) -> None:
    entered: Counter[uuid.UUID | None] = Counter()
    classes: Counter[tuple[uuid.UUID | None, str | None]] = Counter()
    for row in rows:
        key = row.village.parent_id
        entered[key] += 1
        classes[(key, row.classification.village_class)] += 1
    keys = sorted(
        set(villages) | set(entered),
        key=lambda k: townships[k].code if k is not None and k in townships else "",
    )
    totals = [0] * 7
    for key in keys:
        figures = [
            villages.get(key, 0),
            entered[key],
            classes[(key, VillageClass.key.value)],
            classes[(key, VillageClass.general.value)],
            classes[(key, VillageClass.advanced.value)],
            classes[(key, None)],
            max(villages.get(key, 0) - entered[key], 0),
        ]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        name = townships[key].name if key is not None and key in townships else NO_TOWNSHIP
        append_row(ws, [name, *figures])
    append_row(ws, ["合计", *totals])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 18
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 12


def classes_workbook(
    *,
    term_name: str,
    rows: Sequence[ClassificationRow],
    villages: Mapping[uuid.UUID | None, int],
    townships: Mapping[uuid.UUID, Org],
    tz: ZoneInfo,
) -> bytes:
    """The workbook: sheet 村分类 (one row per classified village, townships in code order)
    and sheet 汇总 (per township: villages in scope, entered, each class, not yet approved,
    not entered)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "村分类"
    _header(ws, CLASS_HEADERS)
    _class_rows(ws, rows, tz)
    summary = wb.create_sheet("汇总")
    _header(summary, SUMMARY_HEADERS)
    _summary_rows(summary, rows, villages, townships)
    wb.properties.title = f"{term_name}村（社区）分类结果"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

"""Reading a talent-pool workbook: its sheets, recognised by their header row.

Sheet names and order do not matter (offices rename and reorder them); a sheet is the pool,
the posts or the relatives by the columns its header names, in Chinese or English, and
sheets with no such header (instructions, lists of values) are skipped.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from xuncha_shared.exports import append_row
from xuncha_shared.sheets import ImportFileError, header_key

from planning.pool.domain import SPECIALTY_LABELS_ZH

MAX_ROWS = 20_000
_HEADER_SEARCH_ROWS = 10

SHEET_LABELS_ZH = {"cadres": "人才库", "posts": "任职经历", "relatives": "亲属关系"}
COLUMN_LABELS_ZH: dict[str, dict[str, str]] = {
    "cadres": {
        "code": "编码", "name": "姓名", "unit_name": "工作单位", "unit_code": "单位编码",
        "specialties": "专业领域", "home_code": "家乡乡镇编码", "home_jurisdiction": "家乡所属地区",
        "available": "是否可抽调", "account": "平台账号", "phone": "联系电话",
    },
    "posts": {
        "cadre_code": "人员编码", "org_code": "单位编码", "org_jurisdiction": "所属地区",
        "title": "职务", "started_on": "起始日期", "ended_on": "结束日期",
    },
    "relatives": {
        "cadre_code": "人员编码", "org_code": "单位编码", "org_jurisdiction": "所属地区",
        "relation": "关系",
    },
}  # fmt: skip
"""Each sheet's columns and the Chinese header written in generated files."""

_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "cadres": {
        "code": ("code", "人员编码", "编号"),
        "name": ("name",),
        "unit_name": ("unit", "单位", "现工作单位", "单位名称", "现单位"),
        "unit_code": ("unitcode", "工作单位编码"),
        "specialties": ("specialties", "专长", "专业", "专业特长"),
        "home_code": ("hometownship", "籍贯乡镇编码", "户籍乡镇编码", "家乡编码"),
        "home_jurisdiction": ("homejurisdiction", "家乡地区代码"),
        "available": ("available", "可抽调", "是否可用", "状态"),
        "account": ("account", "账号", "登录账号"),
        "phone": ("phone", "电话", "手机", "手机号"),
    },
    "posts": {
        "cadre_code": ("cadrecode",),
        "org_code": ("orgcode", "任职单位编码"),
        "org_jurisdiction": ("jurisdiction", "单位所属地区"),
        "title": ("title", "职位"),
        "started_on": ("startedon", "开始日期", "任职时间", "任职起始日期"),
        "ended_on": ("endedon", "离任日期", "离任时间", "截止日期"),
    },
    "relatives": {
        "cadre_code": ("cadrecode",),
        "org_code": ("orgcode", "亲属所在单位编码"),
        "org_jurisdiction": ("jurisdiction", "单位所属地区"),
        "relation": ("relation", "亲属关系", "称谓"),
    },
}
_REQUIRED = {
    "posts": ("cadre_code", "org_code", "title", "started_on"),
    "relatives": ("cadre_code", "org_code", "relation"),
    "cadres": ("code", "name"),
}


_HEADERS: dict[str, dict[str, str]] = {
    sheet: {
        header_key(alias): column
        for column, label in labels.items()
        for alias in (column, label, *_ALIASES[sheet].get(column, ()))
    }
    for sheet, labels in COLUMN_LABELS_ZH.items()
}


Sheet = tuple[str, str, dict[str, int], list[tuple[int, list[str]]]]

NOTES_SHEET = "填写说明"


def template_workbook(jurisdiction: str) -> bytes:
    """The import template: the sheets 人才库, 任职经历 and 亲属关系 with the headers
    :func:`read_sheets` recognises (``COLUMN_LABELS_ZH``) and an example row each, and a
    sheet of notes that the import skips (it has no recognised header)."""
    code = "WXRC-0178"
    examples: dict[str, list[object]] = {
        "cadres": [
            code, "李建华", "县审计局", "", "财务审计、农业农村", "", "", "是",
            "wx.sjj.lijianhua", "0391-6180726",
        ],
        "posts": [
            code, f"{jurisdiction}-D001", "", "县财政局农业股副股长", dt.date(2015, 7, 1),
            dt.date(2020, 12, 31),
        ],
        "relatives": [code, f"{jurisdiction}-D002", "", "配偶"],
    }  # fmt: skip
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for kind, labels in COLUMN_LABELS_ZH.items():
        sheet = book.create_sheet(SHEET_LABELS_ZH[kind])
        headers = list(labels.values())
        append_row(sheet, headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        append_row(sheet, examples[kind])
        for cell in sheet[2]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        for i, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(12, 2 * len(header) + 6)
    notes = book.create_sheet(NOTES_SHEET)
    for line in (
        "人才库导入模板：每个工作表第一行为表头，请勿修改；示例行请替换为实际人员。",
        "人才库：编码、姓名必填；工作单位与单位编码至少填一项（单位编码为被巡察对象库中的编码）。",
        f"专业领域可填多个，以“、”分隔：{'、'.join(SPECIALTY_LABELS_ZH.values())}。",
        "是否可抽调填“是”或“否”，空白视为“是”。家乡乡镇编码须为乡镇（街道）的编码。",
        "任职经历、亲属关系：人员编码须在人才库工作表中；其他地区的单位填写所属地区代码。",
        "有任职经历或亲属关系工作表时，表中人员的相应记录整体替换；不需要时可删除该工作表。",
        "日期可写 2019-03-01、2019/3/1、2019.03 或 2019年3月1日；结束日期为空表示仍在任。",
        "任何一处有错则整份不导入，并逐处列出工作表、行号和列。",
    ):
        append_row(notes, [line])
    notes.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_sheets(content: bytes) -> Iterator[Sheet]:
    """Each sheet whose header is recognised: (title, kind, columns, data rows)."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise _unreadable() from exc
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # some writers record a wrong <dimension>
            try:
                rows = [
                    (n, [_cell_text(v) for v in values])
                    for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                ]
            except Exception as exc:
                raise _unreadable() from exc
            found = _header(rows)
            if found is not None:
                kind, columns, header_row = found
                data = [(n, cells) for n, cells in rows if n > header_row and any(cells)]
                if len(data) > MAX_ROWS:
                    raise ImportFileError(
                        "too_many_rows",
                        f"工作表“{sheet.title}”超过{MAX_ROWS}行的上限。",
                        f"Sheet {sheet.title!r} has more than {MAX_ROWS} rows.",
                    )
                yield sheet.title, kind, columns, data
    finally:
        workbook.close()


def _unreadable() -> ImportFileError:
    return ImportFileError(
        "file_unreadable",
        "无法读取文件:请上传 Excel(.xlsx)文件。",
        "The file cannot be read: upload an Excel (.xlsx) workbook.",
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # codes and phone numbers typed as numbers
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip().strip("\u200b\ufeff").strip()


def _header(rows: list[tuple[int, list[str]]]) -> tuple[str, dict[str, int], int] | None:
    seen = 0
    for number, cells in rows:
        if not any(cells):
            continue
        for kind in ("posts", "relatives", "cadres"):
            columns: dict[str, int] = {}
            for index, cell in enumerate(cells):
                column = _HEADERS[kind].get(header_key(cell))
                if column is not None and column not in columns:
                    columns[column] = index
            if all(c in columns for c in _REQUIRED[kind]):
                return kind, columns, number
        seen += 1
        if seen >= _HEADER_SEARCH_ROWS:
            return None
    return None

"""Reading an uploaded table: the first sheet of an XLSX workbook or a CSV file, as numbered
rows of cell texts, and finding its header row.

Offices keep their lists in Excel and save them however their Excel does, so the reader
takes what a Chinese office produces: XLSX, or CSV in UTF-8 (with or without BOM),
GB18030/GBK or UTF-16 with BOM, separated by commas, tabs or semicolons. A legacy .xls file
is refused with the advice to save it again. Row numbers are those Excel shows, so an error
message can point at the row the user sees. The header is found by the names of its columns
among the first rows, since a title row above it is common. Every error a user can cause
carries a stable code and a message in Chinese and English; nothing here touches a database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl import load_workbook

from xuncha_shared.problems import FieldError, Unprocessable
from xuncha_shared.text import describe_character, first_control_character

__all__ = [
    "OLE_MAGIC",
    "ZIP_MAGIC",
    "Columns",
    "ImportFileError",
    "RowError",
    "Table",
    "cell_text",
    "control_character_errors",
    "header_key",
    "read_table",
    "rows_rejected",
]

ZIP_MAGIC = b"PK\x03\x04"
"""How an XLSX file (a zip archive) begins."""
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""How a legacy .xls file (and .doc, .ppt …) begins."""

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Table = Generator[tuple[int, list[str]], None, None]
"""``(row number, stripped cell texts)`` for every row of a file, empty ones too."""


class ImportFileError(ValueError):
    """The file as a whole cannot be read: not CSV/XLSX, empty, or without a usable header."""

    def __init__(self, code: str, message_zh: str, message_en: str, field: str = "file") -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in a row: where (``row`` as Excel shows it, ``field`` the column), a
    stable ``code``, and the cell."""

    row: int
    field: str
    code: str
    message_zh: str
    message_en: str
    value: str | None = None


def rows_rejected(errors: Sequence[RowError]) -> Unprocessable:
    """The answer to a file with row errors: nothing imported, every error listed, each as
    ``rows[<row>].<column>`` with the row number in its messages."""
    return Unprocessable(
        f"导入文件有 {len(errors)} 处错误，未导入任何记录",
        f"The file has {len(errors)} errors; nothing was imported",
        field=f"row {errors[0].row}: {errors[0].field}",
        code="import-rejected",
        errors=[
            FieldError(
                field=f"rows[{e.row}].{e.field}",
                code=e.code,
                message_zh=f"第 {e.row} 行：{e.message_zh}",
                message_en=f"Row {e.row}: {e.message_en}",
            )
            for e in errors
        ],
    )


def read_table(content: bytes, filename: str) -> Table:
    """The rows of an XLSX file's first sheet, or of a CSV file.

    The content decides the format (an XLSX renamed to .csv still reads); the file name only
    tells a damaged workbook from a text file. Raises ``ImportFileError`` when the file is
    empty, a legacy .xls, or unreadable; a damaged workbook may also raise it while the
    rows are being read. Close the generator when done early (``contextlib.closing``), so
    the workbook is closed too.
    """
    if not content.strip():
        raise ImportFileError("file_empty", "文件为空。", "The file is empty.")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if content.startswith(ZIP_MAGIC):
        return _read_xlsx(content)
    if content.startswith(OLE_MAGIC):
        raise ImportFileError(
            "xls_not_supported",
            "不支持旧版 Excel(.xls)文件,请另存为 .xlsx 或 CSV 后再导入。",
            "Legacy Excel (.xls) files are not supported; save as .xlsx or CSV and retry.",
        )
    if extension in {"xlsx", "xlsm"}:
        raise _unreadable()
    return _read_csv(_decode(content))


def _unreadable() -> ImportFileError:
    return ImportFileError(
        "file_unreadable",
        "无法读取文件:请上传 Excel(.xlsx)或 CSV 文件。",
        "The file cannot be read: upload an Excel (.xlsx) or CSV file.",
    )


def _read_xlsx(content: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise _unreadable() from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError("file_empty", "文件中没有工作表。", "The workbook has no sheet.")
        sheet = workbook.worksheets[0]
        # Some writers record a wrong <dimension>; without this, rows could be cut off.
        sheet.reset_dimensions()
        values = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                row = next(values, None)
            except Exception as exc:
                raise _unreadable() from exc
            if row is None:
                return
            number += 1
            yield number, [cell_text(v) for v in row]
    finally:
        workbook.close()


def _decode(content: bytes) -> str:
    """Decode CSV bytes: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (Excel in China)."""
    try:
        if content.startswith(codecs.BOM_UTF8):
            text = content[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = content.decode("utf-16")
        else:
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                text = content.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "encoding_not_supported",
            "无法识别文件编码:请使用 UTF-8 或 GBK/GB18030 编码的 CSV 文件,或 Excel(.xlsx)文件。",
            "Unknown text encoding: use a UTF-8 or GBK/GB18030 CSV file, or an .xlsx file.",
        ) from exc
    if _CONTROL_RE.search(text):
        raise _unreadable()
    return text


def _read_csv(text: str) -> Table:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first_line.count)  # ties keep the comma
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            yield number, [_clean(cell) for cell in record]
    except csv.Error as exc:
        raise _unreadable() from exc


def _clean(text: str) -> str:
    return text.strip().strip("\u200b\ufeff").strip()


def cell_text(value: object) -> str:
    """The text of a worksheet cell, trimmed; whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Codes and phone numbers typed into Excel are stored as numbers.
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return _clean(str(value))


def control_character_errors(
    row: int, cells: Sequence[str], columns: Mapping[str, int]
) -> list[RowError]:
    """A row fault for each known column whose cell holds a control character (one a
    worksheet can carry: DEL or the C1 range; a CSV with a C0 one is unreadable as a
    whole). The row is then refused like any invalid row, never stored, never a 500."""
    errors = []
    for column, index in columns.items():
        found = first_control_character(cells[index]) if index < len(cells) else None
        if found is not None:
            shown = describe_character(found)
            errors.append(
                RowError(
                    row,
                    column,
                    "control_character",
                    f"不得包含控制字符（{shown}）。",
                    f"must not contain a control character ({shown}).",
                )
            )
    return errors


def header_key(text: str) -> str:
    """A header cell as compared with the known names: width, case, spaces, "_", "*", ".",
    ":", "-" and a note in brackets ("编码(必填)") do not count."""
    key = unicodedata.normalize("NFKC", text).lower()
    key = re.sub(r"\(.*?\)", "", key)
    return re.sub(r"[\s_*.:-]", "", key)


@dataclass(frozen=True)
class Columns:
    """The columns a kind of file has, and how its header may name them.

    ``labels_zh`` gives every column (in file order) its Chinese header, as written in
    generated files; ``aliases`` the other names offices use. A column is also recognised by
    its own name and its label. ``required`` columns must all be in the header.
    """

    labels_zh: Mapping[str, str]
    required: tuple[str, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    search_rows: int = 10
    """How many non-empty rows may come before the header (a title row is common)."""
    _names: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {
            header_key(name): column
            for column, label in self.labels_zh.items()
            for name in (column, label, *self.aliases.get(column, ()))
        }
        object.__setattr__(self, "_names", names)

    def column_of(self, header: str) -> str | None:
        """The column a header cell names, if any."""
        return self._names.get(header_key(header))

    def find_header(self, table: Table) -> dict[str, int]:
        """Read ``table`` up to and including its header; map each known column to its index.

        The header is the first non-empty row (among the first ``search_rows``) that names
        every required column; the rows after it are left in ``table`` for the caller.
        Raises ``ImportFileError`` for a column named twice, a file without data, no header,
        or missing required columns.
        """
        best: dict[str, int] = {}
        seen_rows = 0
        for number, cells in table:
            if not any(cells):
                continue
            columns: dict[str, int] = {}
            for index, cell in enumerate(cells):
                column = self.column_of(cell)
                if column is None:
                    continue
                if column in columns:
                    raise ImportFileError(
                        "column_duplicate",
                        f"第{number}行表头中“{self.labels_zh[column]}”列出现了不止一次。",
                        f"Header row {number} has the column {column!r} more than once.",
                    )
                columns[column] = index
            if all(c in columns for c in self.required):
                return columns
            if len(columns) > len(best):
                best = columns
            seen_rows += 1
            if seen_rows >= self.search_rows:
                break
        if seen_rows == 0:
            raise ImportFileError("file_empty", "文件中没有任何数据。", "The file has no data.")
        if not best:
            raise ImportFileError(
                "header_missing",
                "未找到表头行:第一行应为“"
                + "、".join(self.labels_zh[c] for c in self.required)
                + "”等列名。",
                "No header row found: the first row must name the columns "
                + ", ".join(self.required)
                + ".",
            )
        missing = [c for c in self.required if c not in best]
        raise ImportFileError(
            "columns_missing",
            "缺少必需的列:" + "、".join(self.labels_zh[c] for c in missing) + "。",
            "Missing required columns: " + ", ".join(missing) + ".",
        )

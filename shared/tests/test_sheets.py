"""The table reader every import uses: XLSX and CSV in the encodings Chinese offices save,
Excel's row numbers, the header found by its column names, and bilingual errors for files
that cannot be read."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import io
import random
import zipfile
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook
from xuncha_shared.sheets import (
    Columns,
    ImportFileError,
    RowError,
    cell_text,
    header_key,
    read_table,
    rows_rejected,
)

PEOPLE = Columns(
    labels_zh={"account": "账号", "name": "姓名", "phone": "电话"},
    required=("account", "name"),
    aliases={"account": ("登录名",), "phone": ("手机",)},
)


def xlsx_bytes(*lines: Sequence[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(content: bytes, filename: str = "people.csv") -> tuple[dict[str, int], list[object]]:
    """The header's columns and the data rows after it."""
    with contextlib.closing(read_table(content, filename)) as table:
        columns = PEOPLE.find_header(table)
        return columns, list(table)


def file_error(content: bytes, filename: str = "people.csv") -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read(content, filename)
    assert caught.value.field == "file"
    assert caught.value.message_zh and caught.value.message_en
    return caught.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_in_every_encoding_an_office_saves(encoding: str) -> None:
    content = "账号,姓名\r\nwx.ma,马春华\r\n".encode(encoding)
    assert read(content) == ({"account": 0, "name": 1}, [(2, ["wx.ma", "马春华"])])


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiters(delimiter: str) -> None:
    content = delimiter.join(["姓名", "账号", "手机"]).encode() + b"\nx"
    assert read(content)[0] == {"name": 0, "account": 1, "phone": 2}


def test_xlsx_title_row_numbers_and_cells() -> None:
    content = xlsx_bytes(
        ["温县巡察账号清单"],
        [],
        [" 账号(必填) ", "NAME", "手机"],
        ["wx.ma", "马春华\u200b", 13800138000.0],
        [],
        ["wx.li", "李四", None],
    )
    columns, rows = read(content, "people.xlsx")
    assert columns == {"account": 0, "name": 1, "phone": 2}
    # A row is as long as its last filled cell, so a reader indexes it with care.
    assert rows == [(4, ["wx.ma", "马春华", "13800138000"]), (5, []), (6, ["wx.li", "李四"])]


def test_content_decides_the_format_not_the_name() -> None:
    assert read(xlsx_bytes(["账号", "姓名"]), "people.csv")[0] == {"account": 0, "name": 1}


def test_cell_text_and_header_key() -> None:
    assert cell_text(None) == "" and cell_text(3.0) == "3" and cell_text(2.5) == "2.5"
    assert cell_text(dt.date(2026, 3, 1)) == "2026-03-01"
    assert header_key(" Parent_Code (必填)* ") == "parentcode"
    assert header_key("ＡＢＣ") == "abc"


def test_legacy_xls_is_refused_with_advice() -> None:
    error = file_error(codecs.decode("d0cf11e0a1b11ae1", "hex") + b"\x00" * 512, "people.xls")
    assert error.code == "xls_not_supported"
    assert ".xlsx" in error.message_zh and ".xlsx" in error.message_en


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "people.csv"),
        (random.Random(0).randbytes(4096), "people.csv"),
        (b"PK\x03\x04 this is not really a zip archive", "people.xlsx"),
        ("账号,姓名\n".encode(), "people.xlsx"),
    ],
)
def test_garbage_is_unreadable(content: bytes, filename: str) -> None:
    assert file_error(content, filename).code in {"file_unreadable", "encoding_not_supported"}


def test_zip_that_is_not_a_workbook_is_unreadable() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert file_error(buffer.getvalue(), "people.xlsx").code == "file_unreadable"


@pytest.mark.parametrize(
    ("content", "filename"),
    [(b"", "people.csv"), (codecs.BOM_UTF8, "people.csv"), (b"\r\n,,\r\n", "people.csv")],
)
def test_empty_files(content: bytes, filename: str) -> None:
    assert file_error(content, filename).code == "file_empty"


def test_header_errors_name_the_columns_in_both_languages() -> None:
    error = file_error("wx.ma,马春华\n".encode())
    assert error.code == "header_missing"
    assert "账号、姓名" in error.message_zh and "account, name" in error.message_en
    error = file_error("账号,电话\nwx.ma,1\n".encode())
    assert error.code == "columns_missing"
    assert "姓名" in error.message_zh and "name" in error.message_en
    error = file_error("账号,姓名,登录名\n".encode())
    assert error.code == "column_duplicate"
    assert "账号" in error.message_zh


def test_header_is_looked_for_in_the_first_rows_only() -> None:
    title_rows = "说明\n" * PEOPLE.search_rows
    assert file_error((title_rows + "账号,姓名\n").encode()).code == "header_missing"


def test_rejected_rows_name_row_and_column() -> None:
    problem = rows_rejected(
        [
            RowError(3, "account", "required", "账号不能为空。", "account is required."),
            RowError(5, "name", "too_long", "姓名太长。", "name is too long.", "x" * 60),
        ]
    )
    assert problem.status == 422 and problem.code == "import-rejected"
    assert problem.field == "row 3: account"
    assert [(e.field, e.code) for e in problem.errors] == [
        ("rows[3].account", "required"),
        ("rows[5].name", "too_long"),
    ]
    assert problem.errors[0].message_zh == "第 3 行：账号不能为空。"
    assert problem.errors[1].message_en == "Row 5: name is too long."

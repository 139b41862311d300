"""Parsing and validation of a talent-pool import workbook (人才库导入).

An office keeps its pool in Excel. The workbook has up to three sheets, recognised by
their header row (sheet names and order do not matter; other sheets are ignored):

* 人才库 (required): 编码、姓名、工作单位、单位编码、专业领域、家乡乡镇编码、家乡所属地区、
  是否可抽调、平台账号、联系电话;
* 任职经历 (optional): 人员编码、单位编码、所属地区、职务、起始日期、结束日期;
* 亲属关系 (optional): 人员编码、单位编码、所属地区、关系.

Org codes are those of the org registry, in the pool's jurisdiction unless a 所属地区 column
names another (a cadre who served in another county). This module only turns bytes into
rows and reports every problem at once, each with its sheet, row (as Excel shows it) and
column; :func:`resolve` checks the references once the caller has looked the codes up.
No database, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from xuncha_shared.sheets import ZIP_MAGIC, ImportFileError, control_character_errors, header_key

from planning.orgs.importing import CODE_MAX_LENGTH
from planning.pool.domain import SPECIALTY_LABELS_ZH, Specialty
from planning.pool.importing.workbook import COLUMN_LABELS_ZH, SHEET_LABELS_ZH, read_sheets

__all__ = [
    "COLUMN_LABELS_ZH",
    "SHEET_LABELS_ZH",
    "CadreRow",
    "PoolDraft",
    "PostRow",
    "RelativeRow",
    "SheetError",
    "parse_pool_file",
    "parse_specialties",
    "resolve",
]

_SPECIALTY_WORDS: dict[str, Specialty] = {
    header_key(word): s
    for s, words in {
        Specialty.discipline: ("纪检", "纪委", "监察", "纪检监察"),
        Specialty.finance_audit: ("财务", "审计", "财会", "会计", "财务审计", "财审"),
        Specialty.agriculture: ("农业", "农村", "三农", "农业农村"),
        Specialty.organization: ("组织", "人事", "组织人事", "党建"),
        Specialty.law: ("法律", "法务", "政法"),
        Specialty.publicity: ("宣传", "意识形态", "宣传思想"),
        Specialty.engineering: ("工程", "基建", "工程建设"),
        Specialty.petition: ("信访",),
        Specialty.social_affairs: ("民政", "社保", "民政社保"),
    }.items()
    for word in (s.value, SPECIALTY_LABELS_ZH[s], *words)
}
_YES = {"是", "y", "yes", "true", "1", "可", "可以", "可抽调", "可用", "在库", "正常"}
_NO = {"否", "n", "no", "false", "0", "不可", "不可抽调", "不可用", "暂停", "借调中"}
_CODE_RE = re.compile(r"[A-Za-z0-9._-]+")
_PHONE_RE = re.compile(r"[0-9+()\- ]{5,30}")
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?")


@dataclass(frozen=True, slots=True)
class CadreRow:
    row: int
    code: str
    name: str
    unit_name: str | None
    unit_code: str | None
    specialties: tuple[Specialty, ...]
    home_code: str | None
    home_jurisdiction: str | None
    available: bool
    account: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class PostRow:
    row: int
    cadre_code: str
    org_code: str
    org_jurisdiction: str | None
    title: str
    started_on: dt.date
    ended_on: dt.date | None


@dataclass(frozen=True, slots=True)
class RelativeRow:
    row: int
    cadre_code: str
    org_code: str
    org_jurisdiction: str | None
    relation: str


@dataclass(frozen=True, slots=True)
class SheetError:
    """One problem: where (``sheet``, ``row``, ``field``), a stable ``code``, and the cell."""

    sheet: str
    row: int
    field: str
    code: str
    message_zh: str
    message_en: str
    value: str | None = None

    @property
    def location(self) -> str:
        """The error's place as an API field path, e.g. ``cadres[3].specialties``."""
        return f"{self.sheet}[{self.row}].{self.field}"

    @property
    def located_zh(self) -> str:
        label = COLUMN_LABELS_ZH[self.sheet].get(self.field, self.field)
        return f"{SHEET_LABELS_ZH[self.sheet]}第{self.row}行“{label}”：{self.message_zh}"

    @property
    def located_en(self) -> str:
        return f"Sheet {self.sheet}, row {self.row}, {self.field}: {self.message_en}"


@dataclass
class PoolDraft:
    """The rows of a workbook. ``posts``/``relatives`` are None when the sheet is absent
    (the cadres' existing entries stay); an empty list clears them."""

    cadres: list[CadreRow] = field(default_factory=list)
    posts: list[PostRow] | None = None
    relatives: list[RelativeRow] | None = None
    errors: list[SheetError] = field(default_factory=list)

    def org_keys(self, jurisdiction: str) -> set[tuple[str, str]]:
        """Every (jurisdiction, code) of an org the workbook names."""
        keys = {(jurisdiction, c.unit_code) for c in self.cadres if c.unit_code}
        keys |= {
            (c.home_jurisdiction or jurisdiction, c.home_code) for c in self.cadres if c.home_code
        }
        for r in self.posts or []:
            keys.add((r.org_jurisdiction or jurisdiction, r.org_code))
        for q in self.relatives or []:
            keys.add((q.org_jurisdiction or jurisdiction, q.org_code))
        return keys


def parse_specialties(text: str) -> tuple[list[Specialty], list[str]]:
    """The specialties named in a cell (separated by 、，,;/ or spaces) and unknown words."""
    known: list[Specialty] = []
    unknown: list[str] = []
    for word in re.split(r"[、，,;；/\s]+", text):
        if not word:
            continue
        specialty = _SPECIALTY_WORDS.get(header_key(word))
        if specialty is None:
            unknown.append(word)
        elif specialty not in known:
            known.append(specialty)
    return known, unknown


def parse_pool_file(content: bytes, filename: str = "") -> PoolDraft:
    """Read and validate every row of a pool workbook (XLSX).

    Raises ``ImportFileError`` when the file as a whole is unusable: not an XLSX, no sheet
    with the talent pool's header, or two sheets of one kind.
    """
    if not content.strip():
        raise ImportFileError("file_empty", "文件为空。", "The file is empty.")
    if not content.startswith(ZIP_MAGIC):
        raise ImportFileError(
            "xlsx_required",
            "人才库请用 Excel(.xlsx)文件导入:人才库、任职经历、亲属关系各一个工作表。",
            "Import the pool as an Excel (.xlsx) workbook with its sheets.",
        )
    draft = PoolDraft()
    found: dict[str, str] = {}
    for title, kind, columns, rows in read_sheets(content):
        if kind in found:
            raise ImportFileError(
                "sheet_duplicate",
                f"工作表“{found[kind]}”和“{title}”都是{SHEET_LABELS_ZH[kind]},只能有一个。",
                f"Sheets {found[kind]!r} and {title!r} are both {kind}; keep one.",
            )
        found[kind] = title
        parser = _Rows(kind, title, columns, draft.errors)
        if kind == "cadres":
            draft.cadres = [r for r in map(parser.cadre, rows) if r is not None]
        elif kind == "posts":
            draft.posts = [r for r in map(parser.post, rows) if r is not None]
        else:
            draft.relatives = [r for r in map(parser.relative, rows) if r is not None]
    if "cadres" not in found:
        raise ImportFileError(
            "header_missing",
            "未找到人才库工作表:表头应含“编码、姓名、工作单位、专业领域”等列。",
            "No talent-pool sheet: its header must name code, name, unit, specialties.",
        )
    _check_duplicates(draft)
    return draft


def resolve(
    draft: PoolDraft,
    *,
    jurisdiction: str,
    org_kinds: Mapping[tuple[str, str], str],
    accounts: Mapping[str, str],
) -> list[SheetError]:
    """Errors in the references: org codes not in the registry (``org_kinds``, by
    (jurisdiction, code)), a home that is not a township, posts and relatives of cadres not
    in the pool sheet, and accounts already used by another cadre (``accounts``: account →
    code of the cadre holding it)."""
    errors: list[SheetError] = []

    def org(sheet: str, row: int, column: str, j: str | None, code: str) -> str | None:
        kind = org_kinds.get((j or jurisdiction, code))
        if kind is None:
            zh = f"{f'{j}地区' if j else '本地区'}被巡察对象库中没有编码为“{code}”的组织。"
            en = f"No org with code {code!r} in {j or jurisdiction}'s registry."
            errors.append(SheetError(sheet, row, column, "org_not_found", zh, en, code))
        return kind

    codes = {c.code for c in draft.cadres}
    for c in draft.cadres:
        if c.unit_code:
            org("cadres", c.row, "unit_code", None, c.unit_code)
        if c.home_code:
            kind = org("cadres", c.row, "home_code", c.home_jurisdiction, c.home_code)
            if kind is not None and kind != "township":
                zh = f"家乡乡镇“{c.home_code}”不是乡镇(街道)。"
                en = f"Home township {c.home_code!r} is not a township."
                errors.append(
                    SheetError("cadres", c.row, "home_code", "not_a_township", zh, en, c.home_code)
                )
        holder = accounts.get(c.account) if c.account else None
        if holder is not None and holder != c.code:
            zh = f"平台账号“{c.account}”已属于人员{holder}。"
            en = f"Account {c.account!r} belongs to cadre {holder}."
            errors.append(
                SheetError("cadres", c.row, "account", "account_taken", zh, en, c.account)
            )
    for sheet, rows in (("posts", draft.posts or []), ("relatives", draft.relatives or [])):
        for r in rows:
            if r.cadre_code not in codes:
                zh = f"人员编码“{r.cadre_code}”不在人才库工作表中。"
                en = f"Cadre {r.cadre_code!r} is not on the pool sheet."
                errors.append(
                    SheetError(
                        sheet, r.row, "cadre_code", "cadre_not_in_file", zh, en, r.cadre_code
                    )
                )
            org(sheet, r.row, "org_code", r.org_jurisdiction, r.org_code)
    return errors


def _date(text: str) -> dt.date | None:
    match = _DATE_RE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class _Rows:
    """Parses the rows of one sheet, adding each problem to ``errors``."""

    def __init__(self, kind: str, title: str, columns: dict[str, int], errors: list[SheetError]):
        self.kind, self.title, self.columns, self.errors = kind, title, columns, errors
        self.bad = False

    def _start(self, number: int, cells: list[str]) -> None:
        self.number, self.cells, self.bad = number, cells, False
        for e in control_character_errors(number, cells, self.columns):
            self._error(e.field, e.code, e.message_zh, e.message_en, None)

    def _cell(self, column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(self.cells):
            return ""
        return " ".join(self.cells[index].split())

    def _error(self, column: str, code: str, zh: str, en: str, value: str | None) -> None:
        self.errors.append(SheetError(self.kind, self.number, column, code, zh, en, value))
        self.bad = True

    def _text(self, column: str, limit: int, *, required: bool = False) -> str | None:
        value = self._cell(column)
        if not value:
            if required:
                self._error(column, "required", "不能为空。", "is required.", None)
            return None
        if len(value) > limit:
            zh, en = f"不能超过{limit}个字符。", f"must be at most {limit} characters."
            self._error(column, "too_long", zh, en, value)
        return value

    def _code(self, column: str, *, required: bool = False) -> str | None:
        value = self._text(column, CODE_MAX_LENGTH, required=required)
        if value is not None:
            value = unicodedata.normalize("NFKC", value)
            if not _CODE_RE.fullmatch(value):
                zh = "只能包含英文字母、数字和“-”“_”“.”。"
                self._error(column, "invalid_code", zh, "letters, digits, - _ . only.", value)
        return value

    def _day(self, column: str, *, required: bool = False) -> dt.date | None:
        text = self._cell(column)
        if not text:
            if required:
                self._error(column, "required", "不能为空。", "is required.", None)
            return None
        value = _date(text)
        if value is None:
            zh = f"日期“{text}”无法识别,应为 2019-03-01、2019/3/1、2019.03 或 2019年3月1日。"
            self._error(column, "invalid_date", zh, f"unreadable date {text!r}.", text)
        return value

    def cadre(self, item: tuple[int, list[str]]) -> CadreRow | None:
        self._start(*item)
        code = self._code("code", required=True)
        name = self._text("name", 50, required=True)
        unit_name = self._text("unit_name", 100)
        unit_code = self._code("unit_code")
        if unit_name is None and unit_code is None:
            zh, en = "工作单位和单位编码至少填一项。", "give the unit's name or its code."
            self._error("unit_name", "required", zh, en, None)
        specialties, unknown = parse_specialties(self._cell("specialties"))
        if unknown:
            allowed = "、".join(SPECIALTY_LABELS_ZH.values())
            zh = f"无法识别“{'、'.join(unknown)}”,应为:{allowed}。"
            self._error("specialties", "unknown_specialty", zh, f"unknown {unknown}.", None)
        available_text = header_key(self._cell("available"))
        if available_text and available_text not in _YES | _NO:
            zh, en = "应为“是”或“否”。", "expected yes or no."
            self._error("available", "invalid_boolean", zh, en, self._cell("available"))
        home_code = self._code("home_code")
        home_jurisdiction = self._code("home_jurisdiction")
        account = self._text("account", 128)
        if account and " " in account:
            self._error("account", "invalid_account", "不能含空格。", "no spaces allowed.", account)
        phone = self._text("phone", 30)
        if phone and not _PHONE_RE.fullmatch(phone):
            self._error("phone", "invalid_phone", "格式不正确。", "invalid phone number.", phone)
        if self.bad or code is None or name is None:
            return None
        return CadreRow(
            self.number, code, name, unit_name, unit_code, tuple(specialties),
            home_code, home_jurisdiction, available_text not in _NO, account, phone,
        )  # fmt: skip

    def post(self, item: tuple[int, list[str]]) -> PostRow | None:
        self._start(*item)
        cadre_code = self._code("cadre_code", required=True)
        org_code = self._code("org_code", required=True)
        org_jurisdiction = self._code("org_jurisdiction")
        title = self._text("title", 100, required=True)
        started_on = self._day("started_on", required=True)
        ended_on = self._day("ended_on")
        if started_on and ended_on and ended_on < started_on:
            zh, en = "结束日期早于起始日期。", "ends before it starts."
            self._error("ended_on", "ends_before_start", zh, en, ended_on.isoformat())
        if self.bad or not (cadre_code and org_code and title and started_on):
            return None
        return PostRow(
            self.number, cadre_code, org_code, org_jurisdiction, title, started_on, ended_on
        )

    def relative(self, item: tuple[int, list[str]]) -> RelativeRow | None:
        self._start(*item)
        cadre_code = self._code("cadre_code", required=True)
        org_code = self._code("org_code", required=True)
        org_jurisdiction = self._code("org_jurisdiction")
        relation = self._text("relation", 30, required=True)
        if self.bad or not (cadre_code and org_code and relation):
            return None
        return RelativeRow(self.number, cadre_code, org_code, org_jurisdiction, relation)


def _check_duplicates(draft: PoolDraft) -> None:
    first: dict[tuple[str, str], int] = {}
    for c in draft.cadres:
        for column, value in (("code", c.code), ("account", c.account)):
            if value is None:
                continue
            seen = first.setdefault((column, value), c.row)
            if seen != c.row:
                zh, en = f"“{value}”与第{seen}行重复。", f"{value!r} repeats row {seen}."
                draft.errors.append(
                    SheetError("cadres", c.row, column, f"duplicate_{column}", zh, en, value)
                )

"""Parsing and validation of an org import file (被巡察对象导入).

The office keeps its list of orgs in Excel, so an import is an XLSX or CSV file with one org
per row. This module only turns the bytes into validated rows: no database, no I/O. The
caller imports all rows or nothing, so every problem in the file is reported at once, each
with the row number the user sees in Excel (the header is row 1) and the column at fault.
Reading the file (formats, encodings, the header row) is :mod:`xuncha_shared.sheets`; this
module knows the org columns and their rules.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from xuncha_shared.orgs import DEPARTMENT_DESIGNATION_LABELS_ZH, DepartmentDesignation
from xuncha_shared.sheets import (
    ImportFileError,
    RowError,
    control_character_errors,
    read_table,
)

from planning.domain import GRASSROOTS_KINDS, ORG_KIND_LABELS_ZH, OrgKind
from planning.orgs.columns import (
    CODE_MAX_LENGTH,
    CODE_RE,
    COLUMN_LABELS_ZH,
    COLUMNS,
    CONTACT_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    EMAIL_RE,
    HEADER,
    LEADER_ACCOUNT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PHONE_RE,
    ImportResult,
    OrgRow,
    parse_designation,
    parse_kind,
)

__all__ = [
    "CODE_MAX_LENGTH",
    "COLUMNS",
    "COLUMN_LABELS_ZH",
    "NAME_MAX_LENGTH",
    "ImportFileError",
    "ImportResult",
    "OrgRow",
    "RowError",
    "parents_first",
    "parse_kind",
    "parse_org_file",
]


def parse_org_file(
    content: bytes,
    filename: str,
    *,
    existing_codes: Mapping[str, OrgKind] | None = None,
    max_rows: int = 20000,
) -> ImportResult:
    """Parse and validate an org import file: XLSX (first sheet) or CSV.

    CSV may be UTF-8 (with or without BOM), GB18030/GBK as a Chinese Excel saves it, or
    UTF-16 with BOM (Excel's "Unicode text"); comma, tab or semicolon separated. The header
    is the first row naming the required columns (a title row above it is skipped), and row
    numbers are those Excel shows. ``rows`` come parents first, ready to insert in order.

    ``existing_codes`` are the orgs already in the registry (code → kind): a row may name one
    as its parent, and a row repeating one is parsed normally (the caller decides whether it
    is an update or a conflict). More than ``max_rows`` non-empty data rows give a single
    ``too_many_rows`` error. Raises ``ImportFileError`` when the file itself is unusable.
    """
    existing = existing_codes or {}
    with contextlib.closing(read_table(content, filename)) as table:
        columns = HEADER.find_header(table)
        drafts: list[_Draft] = []
        errors = _Errors()
        for number, cells in table:
            if not any(cells):
                continue
            if len(drafts) >= max_rows:
                return ImportResult(errors=[_too_many_rows(number, max_rows)])
            if faults := control_character_errors(number, cells, columns):
                errors.extend(faults)
                continue
            drafts.append(_parse_row(number, cells, columns, errors))
    _check_relations(drafts, existing, errors)
    rows = [d.to_row() for d in drafts if d.row not in errors.rows and d.kind is not None]
    return ImportResult(
        rows=parents_first(rows),
        errors=errors.sorted(),
        has_leader="leader_account" in columns,
        has_designation="designation" in columns,
    )


def parents_first(rows: Iterable[OrgRow]) -> list[OrgRow]:
    """Reorder rows so that each comes after its parent, otherwise keeping the given order.

    A row whose parent is not among ``rows`` counts as a root. Rows caught in a parent cycle
    (which ``parse_org_file`` reports as errors) go last, in the given order.
    """
    items = list(rows)
    codes = {r.code for r in items}
    emitted: set[str] = set()
    done = [False] * len(items)
    waiting: dict[str, list[int]] = {}
    out: list[OrgRow] = []
    for i, r in enumerate(items):
        parent = r.parent_code
        if parent is not None and parent != r.code and parent in codes and parent not in emitted:
            waiting.setdefault(parent, []).append(i)
            continue
        stack = [i]
        while stack:
            j = stack.pop()
            out.append(items[j])
            done[j] = True
            emitted.add(items[j].code)
            stack.extend(reversed(waiting.pop(items[j].code, [])))
    out.extend(items[i] for i in range(len(items)) if not done[i])
    return out


# --- validating rows ---------------------------------------------------------------------


class _Errors:
    """Collects errors and remembers which rows have one."""

    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.rows: set[int] = set()

    def add(self, row: int, fld: str, code: str, zh: str, en: str, value: str | None) -> None:
        self.items.append(RowError(row, fld, code, zh, en, value or None))
        self.rows.add(row)

    def extend(self, errors: Iterable[RowError]) -> None:
        for e in errors:
            self.add(e.row, e.field, e.code, e.message_zh, e.message_en, e.value)

    def sorted(self) -> list[RowError]:
        order = {name: i for i, name in enumerate(COLUMNS)}
        return sorted(self.items, key=lambda e: (e.row, order.get(e.field, -1)))


@dataclass(slots=True)
class _Draft:
    row: int
    code: str
    name: str
    kind: OrgKind | None
    parent_code: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    leader_account: str | None
    designation: DepartmentDesignation | None
    code_ok: bool
    duplicate: bool = False

    def to_row(self) -> OrgRow:
        assert self.kind is not None
        return OrgRow(
            self.row, self.code, self.name, self.kind, self.parent_code,
            self.contact_name, self.contact_phone, self.contact_email, self.leader_account,
            self.designation,
        )  # fmt: skip


def _too_many_rows(row: int, max_rows: int) -> RowError:
    return RowError(
        row, "file", "too_many_rows",
        f"文件超过{max_rows}行的上限,请分成几个文件导入。",
        f"The file has more than {max_rows} rows; split it into several files.",
    )  # fmt: skip


def _parse_row(number: int, cells: list[str], columns: dict[str, int], errors: _Errors) -> _Draft:
    def cell(column: str) -> str:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    def required(column: str, value: str) -> bool:
        if value:
            return True
        label = COLUMN_LABELS_ZH[column]
        errors.add(number, column, "required", f"{label}不能为空。", f"{column} is required.", None)
        return False

    def too_long(column: str, value: str, limit: int) -> bool:
        if len(value) <= limit:
            return False
        errors.add(
            number, column, "too_long",
            f"{COLUMN_LABELS_ZH[column]}不能超过{limit}个字符(现有{len(value)}个)。",
            f"{column} must be at most {limit} characters (has {len(value)}).", value,
        )  # fmt: skip
        return True

    def code_format(column: str, value: str) -> bool:
        if not value or too_long(column, value, CODE_MAX_LENGTH):
            return False
        if CODE_RE.fullmatch(value):
            return True
        errors.add(
            number, column, "invalid_code",
            f"{COLUMN_LABELS_ZH[column]}只能包含英文字母、数字和“-”“_”“.”。",
            f"{column} may contain only letters, digits, '-', '_' and '.'.", value,
        )  # fmt: skip
        return False

    code = unicodedata.normalize("NFKC", cell("code")).strip()
    code_ok = required("code", code) and code_format("code", code)

    name = " ".join(cell("name").split())
    if required("name", name):
        too_long("name", name, NAME_MAX_LENGTH)

    kind_text = cell("kind")
    kind = parse_kind(kind_text) if required("kind", kind_text) else None
    if kind_text and kind is None:
        errors.add(
            number, "kind", "unknown_kind",
            f"无法识别的类型“{kind_text}”,应为:{'、'.join(ORG_KIND_LABELS_ZH.values())}。",
            f"Unknown kind {kind_text!r}; expected one of: {', '.join(OrgKind)}.", kind_text,
        )  # fmt: skip

    parent_code = unicodedata.normalize("NFKC", cell("parent_code")).strip() or None
    if parent_code is not None and not code_format("parent_code", parent_code):
        parent_code = None  # reported; skip the relation checks

    contact_name = " ".join(cell("contact_name").split()) or None
    if contact_name:
        too_long("contact_name", contact_name, CONTACT_NAME_MAX_LENGTH)
    phone = unicodedata.normalize("NFKC", cell("contact_phone")).strip() or None
    if phone and not PHONE_RE.fullmatch(phone):
        errors.add(
            number, "contact_phone", "invalid_phone",
            f"联系电话“{phone}”格式不正确,应为11位手机号或带区号的固定电话(如0391-1234567)。",
            f"Invalid phone number {phone!r}: expected a mobile or an area-code landline.", phone,
        )  # fmt: skip
    email = unicodedata.normalize("NFKC", cell("contact_email")).strip() or None
    if email and (len(email) > EMAIL_MAX_LENGTH or not EMAIL_RE.fullmatch(email)):
        errors.add(
            number, "contact_email", "invalid_email",
            f"电子邮箱“{email}”格式不正确。", f"Invalid e-mail address {email!r}.", email,
        )  # fmt: skip
    leader = unicodedata.normalize("NFKC", cell("leader_account")).strip() or None
    if leader:
        too_long("leader_account", leader, LEADER_ACCOUNT_MAX_LENGTH)
    designation = _designation(number, cell("designation"), kind, errors)
    return _Draft(
        number, code, name, kind, parent_code, contact_name, phone, email, leader, designation,
        code_ok=code_ok,
    )  # fmt: skip


def _designation(
    number: int, text: str, kind: OrgKind | None, errors: _Errors
) -> DepartmentDesignation | None:
    """A department's designation (职能); any other kind of org has none."""
    text = text.strip()
    if not text:
        return None
    designation = parse_designation(text)
    if designation is None:
        labels = "、".join(DEPARTMENT_DESIGNATION_LABELS_ZH.values())
        errors.add(
            number, "designation", "unknown_designation",
            f"无法识别的部门职能“{text}”,应为:{labels}。",
            f"Unknown designation {text!r}; expected one of: {', '.join(DepartmentDesignation)}.",
            text,
        )  # fmt: skip
    elif kind is not None and kind != OrgKind.department:
        errors.add(
            number, "designation", "designation_not_department",
            "只有县直单位可以填写部门职能。", "Only a department can have a designation.", text,
        )  # fmt: skip
        return None
    return designation


def _check_relations(
    drafts: list[_Draft], existing: Mapping[str, OrgKind], errors: _Errors
) -> None:
    """Duplicate codes, unknown parents, parent kinds and parent cycles, across the file."""
    first: dict[str, _Draft] = {}
    for d in drafts:
        if not d.code:
            continue
        if d.code in first:
            d.duplicate = True
            other = first[d.code].row
            errors.add(
                d.row, "code", "duplicate_code",
                f"编码“{d.code}”与第{other}行重复。",
                f"Code {d.code!r} is already used on row {other}.", d.code,
            )  # fmt: skip
        else:
            first[d.code] = d

    parent_of: dict[str, str] = {}
    for d in drafts:
        if d.duplicate:
            continue
        if d.parent_code is None:
            if d.kind in GRASSROOTS_KINDS:
                label = ORG_KIND_LABELS_ZH[d.kind]
                errors.add(
                    d.row, "parent_code", "parent_required",
                    f"{label}必须填写所属乡镇(街道)的编码。",
                    f"A {d.kind} must have its township as parent.", None,
                )  # fmt: skip
            continue
        if d.parent_code == d.code:
            _cycle_error(errors, d, [d.code])
            continue
        parent = first.get(d.parent_code)
        if parent is not None:
            parent_kind = parent.kind
            if d.code_ok:
                parent_of[d.code] = d.parent_code
        elif d.parent_code in existing:
            parent_kind = existing[d.parent_code]
        else:
            errors.add(
                d.row, "parent_code", "parent_not_found",
                f"上级编码“{d.parent_code}”在本文件和已有被巡察对象中都不存在。",
                f"Parent code {d.parent_code!r} is neither in the file nor in the registry.",
                d.parent_code,
            )  # fmt: skip
            continue
        if d.kind is not None and parent_kind is not None:
            _check_parent_kind(errors, d, d.kind, d.parent_code, parent_kind)

    _find_cycles(drafts, first, parent_of, errors)


def _check_parent_kind(
    errors: _Errors, d: _Draft, kind: OrgKind, parent_code: str, parent_kind: OrgKind
) -> None:
    label, parent_label = ORG_KIND_LABELS_ZH[kind], ORG_KIND_LABELS_ZH[parent_kind]
    if kind in GRASSROOTS_KINDS and parent_kind != OrgKind.township:
        errors.add(
            d.row, "parent_code", "parent_kind_invalid",
            f"{label}的上级必须是乡镇(街道),而“{parent_code}”是{parent_label}。",
            f"The parent of a {kind} must be a township; {parent_code!r} is a {parent_kind}.",
            parent_code,
        )  # fmt: skip
    elif kind not in GRASSROOTS_KINDS and parent_kind in GRASSROOTS_KINDS:
        errors.add(
            d.row, "parent_code", "parent_kind_invalid",
            f"{label}的上级不能是村或社区,而“{parent_code}”是{parent_label}。",
            f"A {kind} cannot have a village or community as parent; "
            f"{parent_code!r} is a {parent_kind}.",
            parent_code,
        )  # fmt: skip


def _find_cycles(
    drafts: list[_Draft], first: dict[str, _Draft], parent_of: dict[str, str], errors: _Errors
) -> None:
    # Every org has at most one parent, so walking up from each org finds each cycle once.
    state: dict[str, int] = {}  # 1: on the current walk, 2: finished
    for d in drafts:
        path: list[str] = []
        code: str | None = d.code
        while code is not None and code in parent_of and code not in state:
            state[code] = 1
            path.append(code)
            code = parent_of[code]
        if code is not None and state.get(code) == 1:
            cycle = path[path.index(code) :]
            for member in cycle:
                _cycle_error(errors, first[member], cycle)
        for member in path:
            state[member] = 2


def _cycle_error(errors: _Errors, d: _Draft, cycle: list[str]) -> None:
    start = cycle.index(d.code)
    loop = [*cycle[start:], *cycle[:start], d.code]
    errors.add(
        d.row, "parent_code", "parent_cycle",
        "上级关系形成循环:" + " → ".join(loop) + "。",
        "Parent links form a cycle: " + " -> ".join(loop) + ".", d.parent_code,
    )  # fmt: skip

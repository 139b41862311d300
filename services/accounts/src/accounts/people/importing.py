"""Parsing and validation of an account import file (账号批量导入).

An office opens the accounts of a whole round at once from the list it keeps in Excel: one
account per row, with the person's name, roles and org. This module only turns the bytes
into validated rows: no database, no I/O. The caller looks up what the file cannot tell
(accounts held by another jurisdiction, the caller's own account) and adds those errors with
:meth:`ImportResult.adding`; the import is all rows or none, so every problem is reported
at once, each with the row number the user sees in Excel and the column at fault.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from xuncha_shared.auth import Role
from xuncha_shared.sheets import (
    Columns,
    ImportFileError,
    RowError,
    control_character_errors,
    read_table,
)

from accounts.people.schemas import NAME_MAX_LENGTH, NAME_PATTERN, ORG_ROLES
from accounts.signin.schemas import ACCOUNT_PATTERN

__all__ = [
    "COLUMNS",
    "AccountRow",
    "ImportFileError",
    "ImportResult",
    "RowError",
    "parse_account_file",
    "parse_roles",
]

MAX_ROWS = 5000

COLUMNS = Columns(
    labels_zh={
        "account": "账号",
        "display_name": "姓名",
        "roles": "角色",
        "org_code": "所属单位编码",
        "cadre_id": "人才库编号",
    },
    required=("account", "display_name", "roles"),
    aliases={
        "account": ("登录账号", "登录名", "用户名", "username", "login"),
        "display_name": ("name", "displayname", "名字", "人员姓名"),
        "roles": ("role", "用户角色", "账号角色"),
        "org_code": ("orgcode", "单位编码", "所属组织编码", "所属单位代码", "组织编码"),
        "cadre_id": ("cadreid", "cadre", "人才库人员编号", "人才库编码"),
    },
)
"""The columns of an account file, in file order; also the values of ``RowError.field``."""

# Words offices write in the role column, beyond the English value and the label.
_ROLE_SYNONYMS: dict[Role, tuple[str, ...]] = {
    Role.office: ("巡察办公室", "巡察机构"),
    Role.leadership: ("领导小组", "巡察领导小组", "书记专题会"),
    Role.group: ("巡察组成员", "组员", "组长", "副组长"),
    Role.discipline: ("纪委", "监委", "纪检监察", "派驻纪检监察组"),
    Role.organization: ("组织", "组织部门"),
    Role.department: ("部门", "相关部门"),
    Role.inspected: ("被巡察单位", "被巡察对象", "被巡察党组织书记"),
    Role.leader: ("分管领导", "县级领导", "领办领导"),
    Role.service: ("服务账号",),
}
_SEPARATORS = re.compile(r"[、,;/\s]+")  # after NFKC, "，" and "；" are "," and ";"
_ACCOUNT_RE = re.compile(ACCOUNT_PATTERN)
_NAME_RE = re.compile(NAME_PATTERN)


def _word(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


_ROLES: dict[str, Role] = {
    _word(s): role for role in Role for s in (role.value, role.label_zh, *_ROLE_SYNONYMS[role])
}
_OFFERED = [r for r in Role if r is not Role.service]


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One valid account of the file; ``row`` is its row number in the file."""

    row: int
    account: str
    display_name: str
    roles: tuple[Role, ...]
    org_id: uuid.UUID | None = None
    cadre_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Rows without errors, every error found, and what the file names.

    ``accounts`` maps every well-formed account of the file to its first row (rows with
    errors too), so the caller can look them all up. ``columns`` are the optional columns
    the header has: when one is missing, the file says nothing about it (an update keeps
    the value). When ``errors`` is not empty nothing may be imported.
    """

    rows: list[AccountRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    accounts: dict[str, int] = field(default_factory=dict)
    columns: frozenset[str] = frozenset()

    def adding(self, errors: Iterable[RowError]) -> ImportResult:
        """The result with more errors: their rows leave ``rows``."""
        found = [*self.errors, *errors]
        bad = {e.row for e in found}
        return ImportResult(
            rows=[r for r in self.rows if r.row not in bad],
            errors=_sorted(found),
            accounts=self.accounts,
            columns=self.columns,
        )


def parse_roles(text: str) -> tuple[list[Role], list[str]]:
    """The roles a cell names, in the platform's order, and the words it does not know.

    Roles are separated by "、", commas, semicolons, slashes or spaces; each is the English
    value, the Chinese label or a common synonym.
    """
    known: set[Role] = set()
    unknown: list[str] = []
    for word in _SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        if not word:
            continue
        role = _ROLES.get(_word(word))
        if role is None:
            unknown.append(word)
        else:
            known.add(role)
    return [r for r in Role if r in known], unknown


def parse_account_file(
    content: bytes,
    filename: str,
    *,
    org_codes: Mapping[str, uuid.UUID],
    max_rows: int = MAX_ROWS,
) -> ImportResult:
    """Parse and validate an account import file: XLSX (first sheet) or CSV.

    ``org_codes`` are the jurisdiction's orgs (code → id): 所属单位编码 must be one of them.
    The rules are those of opening one account: a well-formed account, once in the file; a
    name; roles the office may give (not a service account); an org for the roles that act
    for one. More than ``max_rows`` non-empty rows give a single ``too_many_rows`` error.
    Raises ``ImportFileError`` when the file itself is unusable.
    """
    with contextlib.closing(read_table(content, filename)) as table:
        columns = COLUMNS.find_header(table)
        result = _Rows(columns, org_codes)
        for number, cells in table:
            if not any(cells):
                continue
            if result.count >= max_rows:
                return ImportResult(errors=[_too_many_rows(number, max_rows)])
            result.parse(number, cells)
    optional = frozenset(c for c in ("org_code", "cadre_id") if c in columns)
    parsed = ImportResult(rows=result.rows, accounts=result.first, columns=optional)
    return parsed.adding(result.errors)


def _sorted(errors: list[RowError]) -> list[RowError]:
    order = {name: i for i, name in enumerate(COLUMNS.labels_zh)}
    return sorted(errors, key=lambda e: (e.row, order.get(e.field, -1)))


def _too_many_rows(row: int, max_rows: int) -> RowError:
    return RowError(
        row, "file", "too_many_rows",
        f"文件超过{max_rows}行的上限,请分成几个文件导入。",
        f"The file has more than {max_rows} rows; split it into several files.",
    )  # fmt: skip


@dataclass
class _Row:
    """One data row as it is read: its cells by column, and where its errors go."""

    number: int
    cells: list[str]
    columns: dict[str, int]
    errors: list[RowError]

    def cell(self, column: str) -> str:
        index = self.columns.get(column)
        return self.cells[index] if index is not None and index < len(self.cells) else ""

    def error(self, column: str, code: str, zh: str, en: str, value: str | None = None) -> None:
        self.errors.append(RowError(self.number, column, code, zh, en, value or None))

    def required(self, column: str, value: str) -> bool:
        if not value:
            label = COLUMNS.labels_zh[column]
            self.error(column, "required", f"{label}不能为空。", f"{column} is required.")
        return bool(value)


class _Rows:
    """Reads the data rows one by one, collecting valid rows and errors."""

    def __init__(self, columns: dict[str, int], org_codes: Mapping[str, uuid.UUID]) -> None:
        self.columns = columns
        self.org_codes = org_codes
        self.rows: list[AccountRow] = []
        self.errors: list[RowError] = []
        self.first: dict[str, int] = {}
        self.count = 0

    def parse(self, number: int, cells: list[str]) -> None:
        self.count += 1
        if faults := control_character_errors(number, cells, self.columns):
            self.errors.extend(faults)
            return
        before = len(self.errors)
        row = _Row(number, cells, self.columns, self.errors)
        account = self._account(row)
        name = self._name(row)
        roles = self._roles(row)
        org_id = self._org(row, roles)
        cadre_id = self._cadre(row)
        if len(self.errors) == before:
            self.rows.append(AccountRow(number, account, name, tuple(roles), org_id, cadre_id))

    def _account(self, row: _Row) -> str:
        account = unicodedata.normalize("NFKC", row.cell("account")).strip()
        if not row.required("account", account):
            return account
        if not _ACCOUNT_RE.fullmatch(account):
            row.error(
                "account", "invalid_account",
                "账号只能包含英文字母、数字和“.”“_”“@”“-”,以字母或数字开头,"
                "不能有空格,最长128个字符。",
                "An account is letters, digits, '.', '_', '@' and '-', starting with a "
                "letter or digit, without spaces, at most 128 characters.", account,
            )  # fmt: skip
        elif account in self.first:
            other = self.first[account]
            row.error(
                "account", "duplicate_account",
                f"账号“{account}”与第{other}行重复。",
                f"Account {account!r} is already on row {other}.", account,
            )  # fmt: skip
        else:
            self.first[account] = row.number
        return account

    @staticmethod
    def _name(row: _Row) -> str:
        name = " ".join(row.cell("display_name").split())
        if not row.required("display_name", name):
            return name
        if len(name) > NAME_MAX_LENGTH:
            row.error(
                "display_name", "too_long",
                f"姓名不能超过{NAME_MAX_LENGTH}个字符(现有{len(name)}个)。",
                f"display_name must be at most {NAME_MAX_LENGTH} characters "
                f"(has {len(name)}).", name,
            )  # fmt: skip
        elif not _NAME_RE.fullmatch(name):
            row.error(
                "display_name", "invalid_name", "姓名中有不可见的控制字符。",
                "display_name contains control characters.",
            )  # fmt: skip
        return name

    @staticmethod
    def _roles(row: _Row) -> list[Role]:
        roles_text = row.cell("roles")
        roles, unknown = parse_roles(roles_text)
        if not row.required("roles", roles_text):
            return roles
        if unknown:
            row.error(
                "roles", "unknown_role",
                f"无法识别的角色“{'、'.join(unknown)}”,应为:"
                f"{'、'.join(r.label_zh for r in _OFFERED)}。",
                f"Unknown role {', '.join(unknown)!r}; expected one of: "
                f"{', '.join(_OFFERED)}.", roles_text,
            )  # fmt: skip
        if Role.service in roles:
            row.error(
                "roles", "service_role",
                "部门系统服务账号在「服务账号」中开通,不是人员账号。",
                "A department system's service account is opened as a service client.",
                roles_text,
            )  # fmt: skip
        return roles

    def _org(self, row: _Row, roles: list[Role]) -> uuid.UUID | None:
        org_code = unicodedata.normalize("NFKC", row.cell("org_code")).strip()
        org_id = self.org_codes.get(org_code) if org_code else None
        if org_code and org_id is None:
            row.error(
                "org_code", "unknown_org",
                f"所属单位编码“{org_code}”不在本辖区的组织库中。",
                f"Org code {org_code!r} is not in this jurisdiction's registry.", org_code,
            )  # fmt: skip
        elif not org_code and "org_code" in self.columns and ORG_ROLES.intersection(roles):
            row.error(
                "org_code", "org_required",
                "被巡察党组织和各部门的账号须填写所属单位编码。",
                "Accounts of an inspected org or a department name their org's code.",
            )  # fmt: skip
        return org_id

    @staticmethod
    def _cadre(row: _Row) -> uuid.UUID | None:
        cadre_text = unicodedata.normalize("NFKC", row.cell("cadre_id")).strip()
        if not cadre_text:
            return None
        try:
            return uuid.UUID(cadre_text)
        except ValueError:
            row.error(
                "cadre_id", "invalid_cadre_id",
                f"人才库编号“{cadre_text}”格式不正确,应为人才库中人员的编号(UUID)。",
                f"Cadre id {cadre_text!r} is not a UUID.", cadre_text,
            )  # fmt: skip
            return None

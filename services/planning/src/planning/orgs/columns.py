"""The columns of an org import file (被巡察对象导入) and the words offices write in them.

:mod:`planning.orgs.importing` parses a file against these; the demo's and the tests' import
files are written with the same columns and Chinese headers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from xuncha_shared.orgs import DEPARTMENT_DESIGNATION_LABELS_ZH, DepartmentDesignation
from xuncha_shared.sheets import Columns, RowError

from planning.domain import ORG_KIND_LABELS_ZH, OrgKind

CODE_MAX_LENGTH = 32
NAME_MAX_LENGTH = 100
CONTACT_NAME_MAX_LENGTH = 50
EMAIL_MAX_LENGTH = 254
LEADER_ACCOUNT_MAX_LENGTH = 128

COLUMNS: tuple[str, ...] = (
    "code", "name", "kind", "parent_code", "contact_name", "contact_phone", "contact_email",
    "leader_account", "designation",
)  # fmt: skip
"""Import columns in file order; also the values of ``RowError.field`` (plus ``"file"``)."""
REQUIRED_COLUMNS: tuple[str, ...] = ("code", "name", "kind", "parent_code")
COLUMN_LABELS_ZH: dict[str, str] = {
    "code": "编码",
    "name": "名称",
    "kind": "类型",
    "parent_code": "上级编码",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "contact_email": "电子邮箱",
    "leader_account": "分管县领导账号",
    "designation": "部门职能",
}
"""The Chinese header of each column, as written in generated import files."""

_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "orgcode", "编码", "代码", "组织编码", "单位编码", "对象编码"),
    "name": ("name", "orgname", "名称", "组织名称", "单位名称", "党组织名称", "对象名称"),
    "kind": ("kind", "type", "orgkind", "类型", "类别", "组织类型", "单位类型", "对象类型"),
    "parent_code": ("parentcode", "parent", "上级编码", "上级代码", "上级组织编码", "上级单位编码"),
    "contact_name": ("contactname", "contact", "联系人", "联系人姓名"),
    "contact_phone": ("contactphone", "phone", "tel", "telephone", "联系电话", "电话", "手机"),
    "contact_email": ("contactemail", "email", "mail", "电子邮箱", "邮箱", "电子邮件"),
    "leader_account": ("leaderaccount", "leader", "分管县领导账号", "分管领导账号", "分管县领导"),
    "designation": ("designation", "function", "部门职能", "职能", "单位职能"),
}
HEADER = Columns(COLUMN_LABELS_ZH, REQUIRED_COLUMNS, _HEADER_ALIASES)

# Words offices write in the kind column, beyond the English value and the label.
_KIND_SYNONYMS: dict[OrgKind, list[str]] = {
    OrgKind.township: [
        "乡镇",
        "街道",
        "乡",
        "镇",
        "乡镇街道",
        "乡镇/街道",
        "乡镇、街道",
        "乡镇党委",
        "街道党工委",
        "乡镇(街道)党(工)委",
        "乡镇(街道)党委",
    ],
    OrgKind.department: [
        "部门",
        "县直单位",
        "市直单位",
        "县直部门",
        "市直部门",
        "县(市)直部门",
        "县市直单位",
        "县直",
        "市直",
        "机关",
    ],
    OrgKind.village: ["村党支部", "村党总支", "村党委", "村党组织", "行政村"],
    OrgKind.community: ["社区党组织", "社区党支部", "社区党总支", "社区党委", "居委会"],
    OrgKind.enterprise: ["国企", "企业", "市管国企", "县管国企", "国有企业党委"],
    OrgKind.institution: ["事业", "事业单位党组织", "事业单位党委"],
}


def _kind_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


_KINDS: dict[str, OrgKind] = {
    _kind_key(s): kind
    for kind in OrgKind
    for s in (kind.value, kind.name, ORG_KIND_LABELS_ZH[kind], *_KIND_SYNONYMS[kind])
}

CODE_RE = re.compile(r"[A-Za-z0-9._-]+")
PHONE_RE = re.compile(
    r"(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}"  # mobile: 13800138000, 138 0013 8000
    r"|(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s-]?)[2-9]\d{6,7}(?:(?:-|转|ext\.?)\d{1,6})?"  # landline
)
EMAIL_RE = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


@dataclass(frozen=True, slots=True)
class OrgRow:
    """One valid org of the file; ``row`` is its row number in the file (header = 1)."""

    row: int
    code: str
    name: str
    kind: OrgKind
    parent_code: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    leader_account: str | None = None
    designation: DepartmentDesignation | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Rows without errors, parents before children, and every error found.

    The import is all-or-nothing: when ``errors`` is not empty nothing may be imported, and
    ``rows`` only serves a preview (it omits the rows that have errors).
    """

    rows: list[OrgRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    has_leader: bool = False
    """Whether the file has the leader-in-charge column (without it, an update keeps the
    org's leader in charge as it is)."""
    has_designation: bool = False
    """Whether the file has the designation column (without it, an update keeps it)."""

    @property
    def ok(self) -> bool:
        """True when the file can be imported."""
        return not self.errors


def parse_kind(text: str) -> OrgKind | None:
    """The kind named by a cell: the English value or a Chinese label/synonym, else None."""
    return _KINDS.get(_kind_key(text))


# Words offices write in the designation column, beyond the English value and the label.
_DESIGNATION_SYNONYMS: dict[DepartmentDesignation, list[str]] = {
    DepartmentDesignation.discipline: ["纪委", "监委", "纪检监察", "县纪委监委", "纪委监察委"],
    DepartmentDesignation.organization: ["组织", "县委组织部"],
    DepartmentDesignation.publicity: ["宣传", "县委宣传部"],
    DepartmentDesignation.audit: ["审计", "县审计局"],
    DepartmentDesignation.petitions: ["信访", "县信访局"],
    DepartmentDesignation.police: ["公安", "县公安局"],
    DepartmentDesignation.other: ["其他", "其它"],
}
_DESIGNATIONS: dict[str, DepartmentDesignation] = {
    _kind_key(s): d
    for d in DepartmentDesignation
    for s in (d.value, DEPARTMENT_DESIGNATION_LABELS_ZH[d], *_DESIGNATION_SYNONYMS[d])
}


def parse_designation(text: str) -> DepartmentDesignation | None:
    """The designation named by a cell: the English value or a Chinese label, else None."""
    return _DESIGNATIONS.get(_kind_key(text))

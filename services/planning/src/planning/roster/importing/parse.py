"""Parsing a roster import file: one member per row, errors by row and column.

Reading the file (XLSX or CSV, encodings, the header row) is :mod:`xuncha_shared.sheets`;
this module knows the roster's columns and the words offices write in them ("镇长" is a
行政正职, "科级" a 乡科级, "2024年3月15日" a date). Rules needing the database (the org
exists, one current 书记) are the service's.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from xuncha_shared.roster import (
    CADRE_RANK_LABELS_ZH,
    ROSTER_POST_LABELS_ZH,
    CadreRank,
    RosterPost,
)
from xuncha_shared.sheets import (
    Columns,
    RowError,
    control_character_errors,
    read_table,
)

COLUMN_LABELS_ZH: dict[str, str] = {
    "org_code": "单位编码",
    "name": "姓名",
    "post": "职务类别",
    "post_title": "职务名称",
    "rank": "职级",
    "since": "任职起始日",
    "until": "离任日",
    "account": "平台账号",
    "phone": "联系电话",
}
"""Import columns in file order, with the Chinese header generated files carry; the keys
are also ``RowError.field``."""
REQUIRED_COLUMNS = ("org_code", "name", "post", "rank", "since")
_ALIASES: dict[str, tuple[str, ...]] = {
    "org_code": ("编码", "单位代码", "组织编码", "orgcode"),
    "name": ("成员姓名", "班子成员"),
    "post": ("职务", "职务类型", "岗位"),
    "post_title": ("具体职务", "职务全称", "title"),
    "rank": ("职级", "级别"),
    "since": ("任职时间", "任职日期", "起始日", "任职起始日期"),
    "until": ("离任时间", "离任日期", "免职时间"),
    "account": ("账号", "登录账号"),
    "phone": ("电话", "手机", "手机号"),
}
HEADER = Columns(COLUMN_LABELS_ZH, REQUIRED_COLUMNS, _ALIASES)

NAME_MAX_LENGTH = 50
TITLE_MAX_LENGTH = 50
ACCOUNT_MAX_LENGTH = 128
PHONE_RE = re.compile(r"^[0-9+()\- ]{5,30}$")

# Words offices write in the post column beyond the value and the label. "书记" is read as a
# 党委书记 here; the service makes it a 村书记 for a village or community.
_POST_WORDS: dict[str, RosterPost] = {
    **{w: RosterPost.party_secretary for w in ("书记", "党委书记", "党组书记", "党工委书记")},
    **{
        w: RosterPost.administrative_head
        for w in ("行政正职", "镇长", "乡长", "局长", "主任", "街道办主任", "院长", "总经理")
    },
    **{
        w: RosterPost.deputy
        for w in ("副职", "班子副职", "副书记", "副镇长", "副乡长", "副局长", "副主任", "党委委员")
    },
    **{
        w: RosterPost.discipline_head
        for w in ("纪委书记", "纪工委书记", "纪检组长", "纪检监察组长", "纪检监察负责人")
    },
    **{w: RosterPost.village_secretary for w in ("村书记", "支部书记", "村党支部书记", "社区书记")},
    **{w: RosterPost.village_director for w in ("村主任", "村委会主任", "居委会主任", "社区主任")},
    **{w: RosterPost.village_committee_member for w in ("两委委员", "村两委委员", "村委委员")},
    "其他": RosterPost.other,
}
_RANK_WORDS: dict[str, CadreRank] = {
    "处级": CadreRank.county,
    "县处级": CadreRank.county,
    "科级": CadreRank.township,
    "乡科级": CadreRank.township,
    "一般干部": CadreRank.general,
    "一般": CadreRank.general,
    "村干部": CadreRank.general,
}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T ].*)?$")


def _key(text: str) -> str:
    return re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text)).lower()


_POSTS = {_key(w): p for p in RosterPost for w in (p.value, ROSTER_POST_LABELS_ZH[p])} | {
    _key(w): p for w, p in _POST_WORDS.items()
}
_RANKS = {_key(w): r for r in CadreRank for w in (r.value, CADRE_RANK_LABELS_ZH[r])} | {
    _key(w): r for w, r in _RANK_WORDS.items()
}


@dataclass(frozen=True)
class RosterRow:
    """A member as a row of the file gives him."""

    row: int
    org_code: str
    name: str
    post: RosterPost
    post_word: str
    post_title: str | None
    rank: CadreRank
    since: date
    until: date | None
    account: str | None
    phone: str | None


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def parse_date(text: str) -> date | None:
    """A day as offices write it (2024-03-15, 2024/3/15, 2024.3.15, 2024年3月15日)."""
    match = _DATE_RE.match(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _error(row: int, column: str, code: str, zh: str, en: str, value: str) -> RowError:
    label = COLUMN_LABELS_ZH[column]
    return RowError(row, column, code, f"{label}：{zh}", f"{column}: {en}", value or None)


def _parse_row(number: int, cell: dict[str, str], errors: list[RowError]) -> RosterRow | None:
    before = len(errors)
    for column in REQUIRED_COLUMNS:
        if not cell[column]:
            errors.append(_error(number, column, "required", "必填。", "required.", ""))
    post = _POSTS.get(_key(cell["post"])) if cell["post"] else None
    if cell["post"] and post is None:
        errors.append(
            _error(
                number,
                "post",
                "unknown_post",
                "无法识别的职务类别。",
                "unknown post.",
                cell["post"],
            )
        )
    rank = _RANKS.get(_key(cell["rank"])) if cell["rank"] else None
    if cell["rank"] and rank is None:
        errors.append(
            _error(
                number, "rank", "unknown_rank", "应为县处级、乡科级或一般。",
                "must be county, township or general.", cell["rank"],
            )
        )  # fmt: skip
    days: dict[str, date | None] = {}
    for column in ("since", "until"):
        days[column] = parse_date(cell[column]) if cell[column] else None
        if cell[column] and days[column] is None:
            errors.append(
                _error(
                    number, column, "invalid_date", "日期格式应为 2024-03-15。",
                    "not a date (2024-03-15).", cell[column],
                )
            )  # fmt: skip
    for column, limit in (
        ("name", NAME_MAX_LENGTH),
        ("post_title", TITLE_MAX_LENGTH),
        ("account", ACCOUNT_MAX_LENGTH),
    ):
        if len(cell[column]) > limit:
            errors.append(
                _error(
                    number, column, "too_long", f"不得超过 {limit} 个字。",
                    f"longer than {limit} characters.", cell[column],
                )
            )  # fmt: skip
    if cell["account"] and ("/" in cell["account"] or cell["account"] in {".", ".."}):
        errors.append(
            _error(number, "account", "account_name", "账号不能含 / 或为 . ..",
                   "not a valid account name.", cell["account"])
        )  # fmt: skip
    if cell["phone"] and not PHONE_RE.match(cell["phone"]):
        errors.append(
            _error(number, "phone", "invalid_phone", "电话号码格式不对。",
                   "not a phone number.", cell["phone"])
        )  # fmt: skip
    if len(errors) > before or post is None or rank is None or days["since"] is None:
        return None
    return RosterRow(
        row=number,
        org_code=cell["org_code"],
        name=cell["name"],
        post=post,
        post_word=cell["post"],
        post_title=cell["post_title"] or None,
        rank=rank,
        since=days["since"],
        until=days["until"],
        account=cell["account"] or None,
        phone=cell["phone"] or None,
    )


def parse_roster_file(content: bytes, filename: str, *, max_rows: int = 20000) -> ParsedRoster:
    """The rows of a roster file and every error found in them. Raises
    ``ImportFileError`` when the file itself is unusable."""
    parsed = ParsedRoster()
    with contextlib.closing(read_table(content, filename)) as table:
        columns = HEADER.find_header(table)
        for number, cells in table:
            if not any(cells):
                continue
            if len(parsed.rows) + len(parsed.errors) >= max_rows:
                parsed.errors.append(
                    _error(number, "name", "too_many_rows", f"最多 {max_rows} 行。",
                           f"at most {max_rows} rows.", "")
                )  # fmt: skip
                break
            if faults := control_character_errors(number, cells, columns):
                parsed.errors.extend(faults)
                continue
            cell = {
                c: (cells[columns[c]] if c in columns and columns[c] < len(cells) else "")
                for c in COLUMN_LABELS_ZH
            }
            row = _parse_row(number, cell, parsed.errors)
            if row is not None:
                parsed.rows.append(row)
    return parsed

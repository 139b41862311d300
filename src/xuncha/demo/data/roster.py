"""Invented leadership teams (领导班子) for a county made by
``xuncha.demo.data.orgs.county_orgs``.

Each township gets its 党委书记, 镇长 (乡长, 街道办主任), 纪委书记 and two deputies, and a
former secretary whose term ended (the roster keeps history); each department its 党组书记,
局长 and a deputy; each village and community its 书记, 主任 and a 两委委员; each enterprise
and institution its secretary and a deputy. ``roster_to_xlsx`` writes them as the file
``POST /roster/import`` reads. The same arguments always give the same teams; every date
lies years before ``today``. Phones are invented numbers in the 170 range used for
virtual operators.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from openpyxl import Workbook
from planning.domain import OrgKind
from planning.orgs.importing import OrgRow
from planning.roster.importing.parse import COLUMN_LABELS_ZH
from xuncha_shared.roster import CADRE_RANK_LABELS_ZH, ROSTER_POST_LABELS_ZH, CadreRank, RosterPost

__all__ = ["RosterEntry", "county_roster", "roster_to_xlsx"]

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
_GIVEN = (
    "建国", "建军", "国强", "志强", "志刚", "海涛", "振东", "卫东", "新民", "文杰", "春生",
    "桂兰", "玉梅", "德胜", "永福", "红霞", "丽娟", "秀英", "伟", "磊", "军", "强", "敏",
    "俊杰", "建华", "晓东", "红梅", "海燕", "永强", "卫国", "爱民", "文斌", "利民", "向阳",
)  # fmt: skip


@dataclass(frozen=True)
class RosterEntry:
    """One member of an org's leadership team, as a row of the import file gives him."""

    org_code: str
    name: str
    post: RosterPost
    post_title: str | None
    rank: CadreRank
    since: date
    until: date | None = None
    phone: str | None = None


def _head_title(org: OrgRow) -> str:
    if org.name.endswith("街道"):
        return "街道办事处主任"
    return "乡长" if org.name.endswith("乡") else "镇长"


def _team(org: OrgRow) -> list[tuple[RosterPost, str | None, CadreRank]]:
    t, g = CadreRank.township, CadreRank.general
    if org.kind == OrgKind.township:
        secretary = "街道党工委书记" if org.name.endswith("街道") else "党委书记"
        return [
            (RosterPost.party_secretary, secretary, t),
            (RosterPost.administrative_head, _head_title(org), t),
            (RosterPost.discipline_head, "纪委书记", t),
            (RosterPost.deputy, "党委副书记", t),
            (RosterPost.deputy, "副" + _head_title(org).removesuffix("办事处主任"), t),
        ]
    if org.kind == OrgKind.department:
        return [
            (RosterPost.party_secretary, "党组书记", t),
            (RosterPost.administrative_head, None, t),
            (RosterPost.deputy, "党组成员", t),
        ]
    if org.kind in (OrgKind.village, OrgKind.community):
        return [
            (RosterPost.village_secretary, None, g),
            (RosterPost.village_director, None, g),
            (RosterPost.village_committee_member, None, g),
        ]
    return [(RosterPost.party_secretary, None, t), (RosterPost.deputy, None, g)]


def county_roster(orgs: Sequence[OrgRow], *, seed: int, today: date) -> list[RosterEntry]:
    """The leadership team of every org of ``orgs``, current members and, for townships,
    the secretary before the current one."""
    rng = random.Random(f"xuncha-roster-{seed}")
    entries: list[RosterEntry] = []

    def person() -> str:
        return rng.choice(_SURNAMES) + rng.choice(_GIVEN)

    def phone() -> str:
        return f"170{rng.randrange(10**8):08d}"

    for org in orgs:
        names: set[str] = set()
        for post, title, rank in _team(org):
            name = person()
            while name in names:
                name = person()
            names.add(name)
            since = today - timedelta(days=rng.randint(400, 2400))
            entries.append(RosterEntry(org.code, name, post, title, rank, since, phone=phone()))
            if org.kind == OrgKind.township and post == RosterPost.party_secretary:
                began = since - timedelta(days=rng.randint(900, 1800))
                former = person()
                entries.append(RosterEntry(org.code, former, post, title, rank, began, since))
    return entries


def _cells(entry: RosterEntry) -> list[object]:
    return [
        entry.org_code,
        entry.name,
        ROSTER_POST_LABELS_ZH[entry.post],
        entry.post_title or "",
        CADRE_RANK_LABELS_ZH[entry.rank],
        entry.since.isoformat(),
        entry.until.isoformat() if entry.until else "",
        "",
        entry.phone or "",
    ]


def roster_to_xlsx(entries: Iterable[RosterEntry]) -> bytes:
    """The import file: one sheet, the Chinese header in row 1, one member per row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("领导班子名册")
    sheet.append(list(COLUMN_LABELS_ZH.values()))
    for entry in entries:
        sheet.append(_cells(entry))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

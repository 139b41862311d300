"""Invented data for the talent pool.

``county_pool`` builds a pool shaped like 孟州's "130余名" (002) for a county made by
``xuncha.demo.data.orgs.county_orgs``: cadres of the discipline commission, finance and audit,
agriculture, organization … and of the townships (温县's 乡镇机关干部, 000), with former
posts, home townships and a few declared relatives, so that avoidance has work to do.
``pool_to_xlsx`` writes it as the three-sheet workbook ``POST /cadres/import`` reads.

Phones are invented numbers in the 170 range used for virtual operators.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl import Workbook
from planning.domain import OrgKind
from planning.orgs.importing import OrgRow
from planning.pool.domain import SPECIALTY_LABELS_ZH, Specialty
from planning.pool.importing.parse import COLUMN_LABELS_ZH, CadreRow, PostRow, RelativeRow

__all__ = ["PoolData", "county_pool", "pool_to_xlsx"]

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
_GIVEN = (
    "建国",
    "志强",
    "海涛",
    "卫东",
    "新民",
    "文杰",
    "桂兰",
    "玉梅",
    "小燕",
    "德胜",
    "红霞",
    "丽娟",
    "秀英",
    "伟",
    "磊",
    "军",
    "敏",
    "静",
    "勇",
    "涛",
    "明",
    "超",
    "娜",
    "晓东",
    "红梅",
    "永强",
    "国庆",
    "爱民",
    "文斌",
    "利民",
    "向阳",
    "雪梅",
    "鹏飞",
    "亚楠",
)
# Words in a unit's name and the specialty its cadres bring.
_UNIT_SPECIALTY = (
    ("纪委", Specialty.discipline),
    ("财政", Specialty.finance_audit),
    ("审计", Specialty.finance_audit),
    ("农业农村", Specialty.agriculture),
    ("乡村振兴", Specialty.agriculture),
    ("组织部", Specialty.organization),
    ("司法", Specialty.law),
    ("法院", Specialty.law),
    ("检察院", Specialty.law),
    ("宣传部", Specialty.publicity),
    ("住房", Specialty.engineering),
    ("交通", Specialty.engineering),
    ("水利", Specialty.engineering),
    ("信访", Specialty.petition),
    ("民政", Specialty.social_affairs),
    ("人力资源", Specialty.social_affairs),
)
_TITLES = ("科员", "副科长", "科长", "副主任", "主任", "副书记", "纪委书记", "副镇长")
_RELATIONS = ("配偶", "父亲", "母亲", "兄弟", "姐妹", "子女", "配偶的兄弟姐妹")


@dataclass
class PoolData:
    """A pool as the three sheets of an import workbook."""

    cadres: list[CadreRow] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    relatives: list[RelativeRow] = field(default_factory=list)


def county_pool(
    orgs: Sequence[OrgRow], *, seed: int = 0, size: int = 130, prefix: str = "410825"
) -> PoolData:
    """An invented pool of ``size`` cadres for the county ``orgs``; the same arguments give
    the same pool. About 70 % work in the specialist departments, the rest in townships."""
    rng = random.Random(f"xuncha-pool-{seed}-{prefix}")
    towns = [o for o in orgs if o.kind == OrgKind.township]
    villages = [o for o in orgs if o.kind in {OrgKind.village, OrgKind.community}]
    departments = [o for o in orgs if o.kind == OrgKind.department]
    specialist = [d for d in departments if any(w in d.name for w, _ in _UNIT_SPECIALTY)]
    pool = PoolData()
    for i in range(size):
        unit = rng.choice(specialist or departments or towns)
        if towns and rng.random() < 0.3:
            unit = rng.choice(towns)
        specialties = [s for w, s in _UNIT_SPECIALTY if w in unit.name][:1]
        if unit.kind == OrgKind.township:
            specialties = [rng.choice([Specialty.agriculture, Specialty.discipline])]
        if rng.random() < 0.3:
            extra = rng.choice(list(Specialty))
            specialties += [extra] if extra not in specialties else []
        code = f"{prefix}-C{i + 1:03d}"
        pool.cadres.append(
            CadreRow(
                row=i + 2,
                code=code,
                name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                unit_name=unit.name,
                unit_code=unit.code,
                specialties=tuple(specialties),
                home_code=rng.choice(towns).code if towns and rng.random() < 0.7 else None,
                home_jurisdiction=None,
                available=rng.random() < 0.9,
                account=f"acct-{code}" if rng.random() < 0.6 else None,
                phone=f"170{rng.randrange(10**8):08d}",
            )
        )
        for _ in range(rng.choice((0, 1, 1, 2))):
            where = rng.choice([o for o in [*departments, *towns] if o.code != unit.code])
            start = date(rng.randrange(2005, 2019), rng.randrange(1, 13), 1)
            end = date(min(start.year + rng.randrange(1, 6), 2025), rng.randrange(1, 13), 1)
            pool.posts.append(
                PostRow(
                    len(pool.posts) + 2,
                    code,
                    where.code,
                    None,
                    rng.choice(_TITLES),
                    start,
                    max(end, start),
                )
            )
        if villages and rng.random() < 0.15:
            pool.relatives.append(
                RelativeRow(
                    len(pool.relatives) + 2,
                    code,
                    rng.choice(villages).code,
                    None,
                    rng.choice(_RELATIONS),
                )
            )
    return pool


def pool_to_xlsx(pool: PoolData) -> bytes:
    """The import workbook: sheets 人才库, 任职经历 and 亲属关系 with Chinese headers."""
    workbook = Workbook(write_only=True)
    sheets: dict[str, list[list[Any]]] = {
        "cadres": [
            [
                c.code, c.name, c.unit_name or "", c.unit_code or "",
                "、".join(SPECIALTY_LABELS_ZH[s] for s in c.specialties), c.home_code or "",
                c.home_jurisdiction or "", "是" if c.available else "否", c.account or "",
                c.phone or "",
            ]
            for c in pool.cadres
        ],
        "posts": [
            [p.cadre_code, p.org_code, p.org_jurisdiction or "", p.title, p.started_on,
             p.ended_on]
            for p in pool.posts
        ],
        "relatives": [
            [r.cadre_code, r.org_code, r.org_jurisdiction or "", r.relation]
            for r in pool.relatives
        ],
    }  # fmt: skip
    titles = {"cadres": "人才库", "posts": "任职经历", "relatives": "亲属关系"}
    for kind, rows in sheets.items():
        sheet = workbook.create_sheet(titles[kind])
        sheet.append(list(COLUMN_LABELS_ZH[kind].values()))
        for line in rows:
            sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

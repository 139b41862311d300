"""Invented test data for the talent pool, and small factories for rounds.

``county_pool`` builds a pool shaped like 孟州's "130余名" (002) for a county made by
``planning.testdata.county_orgs``: cadres of the discipline commission, finance and audit,
agriculture, organization … and of the townships (温县's 乡镇机关干部, 000), with former
posts, home townships and a few declared relatives, so that avoidance has work to do.
``pool_to_xlsx`` writes it as the three-sheet workbook ``POST /cadres/import`` reads.

``create_term`` / ``create_round`` insert a term and a round directly (with an asyncpg
connection), for tests of groups and assignments that need a round but not the rounds API.
Phones are invented numbers in the 170 range used for virtual operators.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from openpyxl import Workbook

from planning.domain import OrgKind
from planning.orgs.importing import OrgRow
from planning.pool.domain import SPECIALTY_LABELS_ZH, Specialty
from planning.pool.importing.parse import COLUMN_LABELS_ZH, CadreRow, PostRow, RelativeRow
from planning.testdata import org_rows_to_xlsx

__all__ = [
    "PoolData",
    "add_cadre",
    "bearer",
    "county_pool",
    "create_round",
    "create_term",
    "import_orgs",
    "pool_to_xlsx",
]

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


class Connection(Protocol):
    """The part of an asyncpg connection the factories use."""

    async def fetchval(self, query: str, *args: Any) -> Any: ...


async def create_term(
    db: Connection, *, jurisdiction: str, name: str | None = None, starts_on: date | None = None
) -> uuid.UUID:
    """A five-year term of ``jurisdiction``'s committee."""
    start = starts_on or date(2021, 10, 1)
    now = datetime.now(UTC)
    term_id: uuid.UUID = await db.fetchval(
        "INSERT INTO planning.terms (id, jurisdiction, name, starts_on, ends_on, planned_rounds,"
        " version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 15, 1, $6, $6)"
        " RETURNING id",
        uuid.uuid4(),
        jurisdiction,
        name or f"{jurisdiction} 第{start.year}届 {uuid.uuid4().hex[:6]}",
        start,
        start.replace(year=start.year + 5),
        now,
    )
    return term_id


async def create_round(
    db: Connection,
    *,
    jurisdiction: str,
    term_id: uuid.UUID | None = None,
    number: int = 1,
    mode: str = "regular",
    status: str = "planned",
    inspecting_jurisdiction: str | None = None,
    name: str | None = None,
) -> uuid.UUID:
    """A round of ``jurisdiction``'s term (a new term unless ``term_id`` is given)."""
    term = term_id or await create_term(db, jurisdiction=jurisdiction)
    now = datetime.now(UTC)
    round_id: uuid.UUID = await db.fetchval(
        "INSERT INTO planning.rounds (id, jurisdiction, term_id, number, name, mode,"
        " focus_checklist, inspecting_jurisdiction, status, on_site_from, on_site_until,"
        " version, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, '[]', $7, $8, $9, $10, 1, $11, $11) RETURNING id",
        uuid.uuid4(),
        jurisdiction,
        term,
        number,
        name or f"第{number}轮巡察",
        mode,
        inspecting_jurisdiction,
        status,
        date(2026, 3, 2),
        date(2026, 5, 1),
        now,
    )
    return round_id


class Client(Protocol):
    """The part of an ``httpx.AsyncClient`` the helpers use."""

    async def get(self, url: str, **kwargs: Any) -> Any: ...

    async def post(self, url: str, **kwargs: Any) -> Any: ...


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def import_orgs(client: Client, token: str, rows: Sequence[OrgRow]) -> dict[str, str]:
    """Import ``rows`` into the token's registry over HTTP; returns org ids by code."""
    r = await client.post(
        "/api/planning/orgs/import",
        files={"file": ("orgs.xlsx", org_rows_to_xlsx(rows))},
        headers=bearer(token),
    )
    if r.status_code != 200:
        raise RuntimeError(f"org import failed: {r.status_code} {r.text}")
    ids: dict[str, str] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/planning/orgs", params=params, headers=bearer(token))).json()
        ids |= {o["code"]: o["id"] for o in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            return ids


async def add_cadre(client: Client, token: str, code: str, name: str, **body: Any) -> str:
    """Add a cadre to the token's pool over HTTP; returns its id. The unit defaults to the
    inspection office (巡察办), which is not an inspected org."""
    payload = {"code": code, "name": name, "unit_name": "县委巡察办", **body}
    r = await client.post("/api/planning/cadres", json=payload, headers=bearer(token))
    if r.status_code != 201:
        raise RuntimeError(f"cadre {code} not created: {r.status_code} {r.text}")
    cadre_id: str = r.json()["id"]
    return cadre_id

"""The invented county the demo loads: orgs, talent pool, village indicators and the plan
of a term's rounds, all deterministic for a seed and a size.

The people and places come from the builders in ``xuncha.demo.data``, which the planning
service's tests use too, so the demo, the tests and the import files agree on what a
realistic county looks like: 11 townships, 79 county departments and 270 villages and
communities, shaped like 温县 (seed 000), with invented names. Nothing here talks to the
platform; ``steps`` turns it into API calls.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from planning.domain import OrgKind
from planning.orgs.importing import OrgRow

from xuncha.demo.data.orgs import county_orgs
from xuncha.demo.data.pool import PoolData, county_pool
from xuncha.demo.data.villages import village_indicators

__all__ = [
    "FULL",
    "SMALL",
    "CountySize",
    "DemoCounty",
    "RoundPlan",
    "build_county",
]

GRASSROOTS = (OrgKind.village, OrgKind.community)
# Departments that answer the pre-inspection consultations (巡前函询), by name in the
# registry, with the roles their systems' service accounts carry. They are consulted, not
# inspected, in the demo: a department is never asked about itself.
CONSULTED: tuple[tuple[str, str], ...] = (
    ("县纪委监委", "discipline"),
    ("县委组织部", "organization"),
    ("县信访局", "department"),
    ("县审计局", "department"),
)
_GROUP_NAMES = ("第一巡察组", "第二巡察组", "第三巡察组", "第四巡察组")
_THEMES = (
    (
        "乡村振兴领域",
        ["驻村第一书记履职", "衔接资金使用管理", "村集体“三资”管理", "惠民政策落实"],
    ),
    (
        "群众身边腐败和作风问题",
        ["民生资金发放", "村级工程项目", "“微腐败”问题", "基层干部作风"],
    ),
)
# Office staff who act in the demo (invented); the subject is their platform account.
OFFICE_STAFF = ("demo.office", "巡察办 郑晓燕")
LEADERSHIP = ("demo.leadership", "领导小组 孙国强")


@dataclass(frozen=True)
class CountySize:
    """How big the invented county is; the demo uses ``FULL``, fast tests ``SMALL``."""

    townships: int = 11
    departments: int = 79
    villages: int = 270
    pool: int = 130
    groups_per_round: int = 3
    members_per_group: int = 5
    departments_per_round: int = 12


FULL = CountySize()
SMALL = CountySize(
    townships=5,
    departments=16,
    villages=20,
    pool=40,
    groups_per_round=2,
    members_per_group=3,
    departments_per_round=2,
)


@dataclass(frozen=True)
class RoundPlan:
    """One round of the term as the demo replays it: dates, mode and what it inspects.

    ``target`` is the stage the round ends in (``closed`` for old rounds, ``on_site`` for
    the current one). ``groups`` maps each group's name to the codes of its orgs: townships
    with their villages and communities (巡乡带村), and departments.
    """

    number: int
    mode: str
    theme: str | None
    focus_checklist: list[str]
    on_site_from: date
    on_site_until: date
    target: str
    groups: dict[str, list[str]] = field(default_factory=dict)

    @property
    def org_codes(self) -> list[str]:
        return [code for codes in self.groups.values() for code in codes]

    def body(self) -> dict[str, Any]:
        """The ``POST /terms/{id}/rounds`` request."""
        body: dict[str, Any] = {
            "number": self.number,
            "mode": self.mode,
            "on_site_from": self.on_site_from.isoformat(),
            "on_site_until": self.on_site_until.isoformat(),
        }
        if self.theme:
            body |= {"theme": self.theme, "focus_checklist": self.focus_checklist}
        return body


@dataclass(frozen=True)
class DemoCounty:
    """Everything the demo loads, before any API call."""

    seed: int
    today: date
    jurisdiction: str
    size: CountySize
    orgs: list[OrgRow]
    pool: PoolData
    indicators: dict[str, dict[str, Any]]
    """Village code → indicator request body (without term and village ids)."""
    term_name: str
    term_starts_on: date
    term_ends_on: date
    planned_rounds: int
    rounds: list[RoundPlan]
    consulted: list[tuple[str, str]]
    """(department code, role) of the departments consulted before each round."""

    def by_code(self) -> dict[str, OrgRow]:
        return {o.code: o for o in self.orgs}


def build_county(
    seed: int = 0, *, size: CountySize = FULL, jurisdiction: str = "410825", today: date
) -> DemoCounty:
    """The county for ``seed`` and ``size``: the same arguments give the same county.

    The term (届) opened on 1 October four years before ``today``'s year, for five years,
    so it holds four past rounds (three closed, one rectifying) and the round on site now.
    """
    orgs = county_orgs(
        seed,
        townships=size.townships,
        departments=size.departments,
        villages=size.villages,
        prefix=jurisdiction,
    )
    pool = county_pool(orgs, seed=seed, size=size.pool, prefix=jurisdiction)
    # Every cadre of the demo can sign in as a group member: his account is his code.
    pool.cadres = [
        dataclasses.replace(c, account=c.account or f"acct-{c.code}") for c in pool.cadres
    ]
    villages = [o for o in orgs if o.kind in GRASSROOTS]
    indicators = dict(
        zip(
            (v.code for v in villages),
            village_indicators(seed, len(villages)),
            strict=True,
        )
    )
    starts_on = date(today.year - 4, 10, 1)
    ends_on = date(today.year + 1, 9, 30)
    names = {o.name: o.code for o in orgs if o.kind == OrgKind.department}
    consulted = [(names[n], role) for n, role in CONSULTED if n in names]
    rounds = _plan_rounds(
        random.Random(f"xuncha-demo-{seed}-{jurisdiction}"),
        orgs,
        size=size,
        starts_on=starts_on,
        today=today,
        skip={code for code, _ in consulted},
    )
    return DemoCounty(
        seed=seed,
        today=today,
        jurisdiction=jurisdiction,
        size=size,
        orgs=orgs,
        pool=pool,
        indicators=indicators,
        term_name="十四届县委",
        term_starts_on=starts_on,
        term_ends_on=ends_on,
        planned_rounds=15,
        rounds=rounds,
        consulted=consulted,
    )


def _plan_rounds(
    rng: random.Random,
    orgs: list[OrgRow],
    *,
    size: CountySize,
    starts_on: date,
    today: date,
    skip: set[str],
) -> list[RoundPlan]:
    """Four past rounds spread over the term so far, and one on site now.

    Each round takes about a fifth of the townships (each with its villages and communities)
    and ``departments_per_round`` departments, shared out over its groups, so coverage grows
    round by round and some orgs are still to go.
    """
    townships = [o for o in orgs if o.kind == OrgKind.township]
    departments = [o for o in orgs if o.kind == OrgKind.department and o.code not in skip]
    children: dict[str, list[str]] = {}
    for o in orgs:
        if o.kind in GRASSROOTS and o.parent_code:
            children.setdefault(o.parent_code, []).append(o.code)
    rng.shuffle(townships)
    rng.shuffle(departments)
    count = 5
    first = starts_on + timedelta(days=120)
    last_past = today - timedelta(days=150)
    gap = max((last_past - first).days // 3, 60)
    plans: list[RoundPlan] = []
    for i in range(count):
        current = i == count - 1
        if current:
            start, until = today - timedelta(days=12), today + timedelta(days=40)
        else:
            start = first + timedelta(days=gap * i)
            until = start + timedelta(days=50)
        towns = townships[i::count]
        depts = departments[i * size.departments_per_round : (i + 1) * size.departments_per_round]
        groups: dict[str, list[str]] = {n: [] for n in _GROUP_NAMES[: size.groups_per_round]}
        names = list(groups)
        for j, town in enumerate(towns):
            groups[names[j % len(names)]] += [town.code, *children.get(town.code, [])]
        for j, dept in enumerate(depts):
            groups[names[(j + len(towns)) % len(names)]].append(dept.code)
        theme, checklist = _THEMES[i // 2] if i in (1, 3) else (None, [])
        plans.append(
            RoundPlan(
                number=i + 1,
                mode="special" if theme else "regular",
                theme=theme,
                focus_checklist=list(checklist),
                on_site_from=start,
                on_site_until=until,
                target="on_site" if current else ("rectifying" if i == count - 2 else "closed"),
                groups={n: codes for n, codes in groups.items() if codes},
            )
        )
    return plans

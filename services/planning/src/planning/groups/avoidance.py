"""The avoidance rules (回避), as pure functions: no database, no clock.

A member of an inspection group must not inspect (DOMAIN.md, "Avoidance"):

* ``current_unit`` 本单位回避: the org he works in, or one directly above or below it (a
  township cadre and the villages of his township; a department and the institution it
  supervises). A post without an end date counts as a current unit too.
* ``former_unit`` 原单位回避: the same for an org he left less than N years ago; N is the
  jurisdiction's setting (default 5).
* ``home_township`` 家乡回避: his home township and the villages and communities under it.
* ``relative`` 亲属回避: an org where he declared a relative.

:func:`check` judges one cadre against one org and returns one :class:`Finding` per rule,
passes included, each with its reason in words (Chinese and English), so the office can
keep and show every result. :func:`rank_replacements` picks who could take a refused
cadre's place.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "RULE_LABELS_ZH",
    "CadreFacts",
    "Candidate",
    "Finding",
    "OrgRef",
    "Post",
    "Relative",
    "Rule",
    "check",
    "rank_replacements",
    "window_start",
]


class Rule(StrEnum):
    """An avoidance rule; the values are stored with every check."""

    current_unit = "current_unit"
    former_unit = "former_unit"
    home_township = "home_township"
    relative = "relative"


RULE_LABELS_ZH: dict[Rule, str] = {
    Rule.current_unit: "本单位回避",
    Rule.former_unit: "原单位回避",
    Rule.home_township: "家乡回避",
    Rule.relative: "亲属回避",
}
_RULE_LABELS_EN: dict[Rule, str] = {
    Rule.current_unit: "current unit",
    Rule.former_unit: "former unit",
    Rule.home_township: "home township",
    Rule.relative: "declared relative",
}


@dataclass(frozen=True, slots=True)
class OrgRef:
    """An org as the rules see it: what it is called and what it hangs under."""

    id: uuid.UUID
    name: str
    kind: str
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """A post a cadre held (or holds, when ``ended_on`` is None)."""

    org: OrgRef
    title: str
    started_on: date
    ended_on: date | None = None


@dataclass(frozen=True, slots=True)
class Relative:
    """A relative a cadre declared in an org."""

    org: OrgRef
    relation: str


@dataclass(frozen=True, slots=True)
class CadreFacts:
    """What the rules need to know about a cadre."""

    id: uuid.UUID
    code: str
    name: str
    unit_name: str
    unit: OrgRef | None = None
    home_township: OrgRef | None = None
    posts: tuple[Post, ...] = ()
    relatives: tuple[Relative, ...] = ()
    specialties: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of one rule for one cadre and one org, with the reason in words."""

    cadre_id: uuid.UUID
    cadre_name: str
    org_id: uuid.UUID
    org_name: str
    rule: Rule
    violated: bool
    message_zh: str
    message_en: str

    @property
    def outcome(self) -> str:
        """``violation`` or ``pass``, as stored."""
        return "violation" if self.violated else "pass"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A cadre who could take a refused member's place, and the specialties they share."""

    cadre: CadreFacts
    matching: tuple[str, ...]


def window_start(today: date, years: int) -> date:
    """The first day a former post still counts: the same day ``years`` years ago (28
    February when today is 29 February and that year has none)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def check(cadre: CadreFacts, org: OrgRef, *, today: date, former_unit_years: int) -> list[Finding]:
    """Judge ``cadre`` against ``org`` under every rule; one finding per rule, in rule order."""
    return [
        _current_unit(cadre, org),
        _former_unit(cadre, org, today=today, years=former_unit_years),
        _home_township(cadre, org),
        _relative(cadre, org),
    ]


def rank_replacements(
    pool: Iterable[CadreFacts],
    orgs: Sequence[OrgRef],
    *,
    wanted: Iterable[str],
    today: date,
    former_unit_years: int,
    limit: int = 5,
) -> list[Candidate]:
    """Who of ``pool`` may inspect every org of ``orgs``, best first.

    The caller passes only cadres that are available and free in the round; this keeps
    those without any avoidance conflict and ranks them by how many of the ``wanted``
    specialties (the refused member's) they share, then by code.
    """
    wanted_set = set(wanted)
    candidates = []
    for cadre in pool:
        conflicts = (
            f.violated
            for org in orgs
            for f in check(cadre, org, today=today, former_unit_years=former_unit_years)
        )
        if any(conflicts):
            continue
        matching = tuple(s for s in cadre.specialties if s in wanted_set)
        candidates.append(Candidate(cadre, matching))
    candidates.sort(key=lambda c: (-len(c.matching), c.cadre.code))
    return candidates[:limit]


# --- the rules -----------------------------------------------------------------------------


def _link(unit: OrgRef, org: OrgRef) -> tuple[str, str] | None:
    """How ``unit`` relates to the inspected ``org`` (Chinese and English), or None."""
    if unit.id == org.id:
        return f"即被巡察对象{org.name}", f"which is the inspected org {org.name}"
    if org.parent_id == unit.id:
        return f"是被巡察对象{org.name}的上级", f"which oversees the inspected org {org.name}"
    if unit.parent_id == org.id:
        return f"隶属于被巡察对象{org.name}", f"which is under the inspected org {org.name}"
    return None


def _same_name(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    return bool(a) and norm(a) == norm(b)


def _finding(
    cadre: CadreFacts, org: OrgRef, rule: Rule, violated: bool, zh: str, en: str
) -> Finding:
    if violated:
        zh = f"{zh}，应当回避（{RULE_LABELS_ZH[rule]}）"
        en = f"{en}: must stand aside ({_RULE_LABELS_EN[rule]})"
    return Finding(cadre.id, cadre.name, org.id, org.name, rule, violated, zh, en)


def _current_unit(cadre: CadreFacts, org: OrgRef) -> Finding:
    rule = Rule.current_unit
    units = [cadre.unit] if cadre.unit is not None else []
    units += [p.org for p in cadre.posts if p.ended_on is None]
    for unit in units:
        link = _link(unit, org)
        if link is not None:
            zh = f"{cadre.name}现工作单位为{unit.name}，{link[0]}"
            en = f"{cadre.name} works at {unit.name}, {link[1]}"
            return _finding(cadre, org, rule, True, zh, en)
    if cadre.unit is None and _same_name(cadre.unit_name, org.name):
        # A unit typed as free text: the same name is the same unit until proven otherwise.
        zh = f"{cadre.name}现工作单位“{cadre.unit_name}”与被巡察对象{org.name}同名"
        en = f"{cadre.name}'s unit {cadre.unit_name!r} has the name of the inspected org"
        return _finding(cadre, org, rule, True, zh, en)
    zh = f"{cadre.name}的现工作单位（{cadre.unit_name}）与{org.name}无隶属关系"
    en = f"{cadre.name}'s current unit ({cadre.unit_name}) is neither {org.name} nor linked to it"
    return _finding(cadre, org, rule, False, zh, en)


def _former_unit(cadre: CadreFacts, org: OrgRef, *, today: date, years: int) -> Finding:
    rule = Rule.former_unit
    start = window_start(today, years)
    lapsed: Post | None = None
    for post in sorted(cadre.posts, key=lambda p: p.ended_on or date.max, reverse=True):
        if post.ended_on is None:
            continue  # a current post: judged by the current-unit rule
        link = _link(post.org, org)
        if link is None:
            continue
        if post.ended_on >= start:
            zh = (
                f"{cadre.name}曾于{post.started_on:%Y年%m月}至{post.ended_on:%Y年%m月}"
                f"在{post.org.name}任{post.title}，离任未满{years}年，该单位{link[0]}"
            )
            en = (
                f"{cadre.name} was {post.title} at {post.org.name} until "
                f"{post.ended_on.isoformat()}, less than {years} years ago, {link[1]}"
            )
            return _finding(cadre, org, rule, True, zh, en)
        lapsed = lapsed or post
    if lapsed is not None and lapsed.ended_on is not None:
        zh = (
            f"{cadre.name}在{lapsed.org.name}的任职已于{lapsed.ended_on:%Y年%m月}结束，"
            f"超过{years}年"
        )
        en = (
            f"{cadre.name} left {lapsed.org.name} on {lapsed.ended_on.isoformat()}, "
            f"more than {years} years ago"
        )
        return _finding(cadre, org, rule, False, zh, en)
    zh = f"{cadre.name}近{years}年未在{org.name}或其上下级单位任职"
    en = f"{cadre.name} has not worked at {org.name} or a unit linked to it in {years} years"
    return _finding(cadre, org, rule, False, zh, en)


def _home_township(cadre: CadreFacts, org: OrgRef) -> Finding:
    rule = Rule.home_township
    home = cadre.home_township
    if home is None:
        zh = f"{cadre.name}未登记家乡乡镇"
        en = f"{cadre.name} has no home township on record"
        return _finding(cadre, org, rule, False, zh, en)
    if home.id == org.id:
        zh = f"被巡察对象{org.name}是{cadre.name}的家乡乡镇"
        en = f"The inspected org {org.name} is {cadre.name}'s home township"
        return _finding(cadre, org, rule, True, zh, en)
    if org.parent_id == home.id:
        zh = f"被巡察对象{org.name}位于{cadre.name}的家乡{home.name}"
        en = f"The inspected org {org.name} lies in {cadre.name}'s home township {home.name}"
        return _finding(cadre, org, rule, True, zh, en)
    zh = f"被巡察对象{org.name}不在{cadre.name}的家乡{home.name}"
    en = f"The inspected org {org.name} is not in {cadre.name}'s home township {home.name}"
    return _finding(cadre, org, rule, False, zh, en)


def _relative(cadre: CadreFacts, org: OrgRef) -> Finding:
    rule = Rule.relative
    for relative in cadre.relatives:
        if relative.org.id == org.id:
            zh = f"{cadre.name}申报有亲属（{relative.relation}）在被巡察对象{org.name}"
            en = (
                f"{cadre.name} declared a relative ({relative.relation}) "
                f"at the inspected org {org.name}"
            )
            return _finding(cadre, org, rule, True, zh, en)
    zh = f"{cadre.name}未申报在{org.name}的亲属"
    en = f"{cadre.name} declared no relative at {org.name}"
    return _finding(cadre, org, rule, False, zh, en)

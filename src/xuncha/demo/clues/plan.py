"""The clues of a round, planned from the county alone (no platform): which problems and
public reports become clues, against whom, where each is transferred and how far it gets,
and with what outcome. Tests count the plan with :func:`clue_plan`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planning.domain import OrgKind
from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.county import GRASSROOTS, DemoCounty, RoundPlan
from xuncha.demo.findings.public_reports import public_report_plan
from xuncha.demo.problem_texts import plan_problems

STAGES = ("draft", "reviewed", "transferred", "accepted", "handling", "concluded", "closed")
"""The ledger's statuses in lifecycle order (``returned`` is off to the side)."""
TRANSFERRED = frozenset(STAGES[2:]) | {"returned"}
"""A clue in one of these statuses has been transferred at least once."""
_CATEGORY = {
    "village_assets": "embezzlement",
    "benefit_policies": "mass",
    "four_winds": "integrity",
    "cadre_selection": "cadre_selection",
    "other": "integrity",
}
_ALLEGATION = {
    "embezzlement": "反映其在村集体资金管理中虚列支出、截留挪用集体资金，涉嫌侵占集体财产。",
    "mass": "反映其在低保评定、惠民资金发放中优亲厚友，为亲属违规办理低保并收受好处。",
    "integrity": "反映其违规使用公款、虚报冒领补贴，并在项目安排中为特定关系人谋取利益。",
    "cadre_selection": "反映其在干部选拔任用中违反程序，对群众反映有问题的人员照常提拔。",
}
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢韩唐冯于董萧程曹袁邓许傅沈"
_GIVEN = (
    "建军", "志强", "海涛", "丽娟", "国庆", "红霞", "永刚", "秀英", "俊峰", "文博",
    "晓东", "春燕", "振宇", "德胜", "桂兰", "明亮", "玉梅", "建设", "学文", "长青",
)  # fmt: skip
_POSTS = {
    OrgKind.village: (("村党支部书记、村委会主任", "village"), ("村报账员", "village")),
    OrgKind.community: (("社区党总支书记", "village"), ("社区居委会委员", "village")),
    OrgKind.township: (("党委委员、副镇长", "township"), ("镇财政所所长", "general")),
}
_DEPARTMENT_POSTS = (("党组成员、副局长", "township"), ("办公室主任", "general"))


@dataclass(frozen=True)
class ClueOutcome:
    """The recipient's result (办理结果), counts only."""

    case_filed: bool
    persons_sanctioned: int
    organizational_handlings: int
    first_form: int
    second_form: int
    third_form: int
    money_recovered_yuan: Decimal

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "case_filed": self.case_filed,
            "persons_sanctioned": self.persons_sanctioned,
            "organizational_handlings": self.organizational_handlings,
            "first_form": self.first_form,
            "second_form": self.second_form,
            "third_form": self.third_form,
            "money_recovered_yuan": f"{self.money_recovered_yuan:.2f}",
            "note": "经审查调查，问题基本属实，已按规定作出处理，相关款项已追缴。"
            if self.case_filed
            else "经核实，反映问题部分属实，已对相关人员作出处理。",
        }
        if self.persons_sanctioned:
            body["persons_party_sanctioned"] = self.persons_sanctioned
        return body


@dataclass(frozen=True)
class CluePlan:
    """One clue of a round and how far it gets."""

    org_code: str
    source: str
    """The description of the problem it comes from, or the public report's content."""
    from_report: bool
    category: str
    person: dict[str, str]
    allegation: str
    amount_yuan: str | None
    priority: bool
    recipient: str
    """``discipline`` or ``organization``: whose system receives it."""
    target: str
    """The status it ends in."""
    returned_once: bool
    disposal: str
    outcome: ClueOutcome | None
    """The outcome, when the clue gets to ``concluded`` or ``closed``."""

    def body(self, source_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "source_report_id" if self.from_report else "source_problem_id": source_id,
            "person": self.person,
            "category": self.category,
            "allegation": self.allegation,
            "evidence": "个别谈话记录3份、相关账目凭证复印件、群众证言",
            "priority": self.priority,
        }
        if self.amount_yuan is not None:
            body["amount_yuan"] = self.amount_yuan
        return body


def _targets(plan: RoundPlan, count: int, rng: random.Random) -> list[tuple[str, bool]]:
    """(final status, returned once first) for each clue of a round."""
    if plan.target == RoundStatus.closed.value:
        out = [("closed", False)] * count
        out[1 % count] = ("closed", True)
        return out
    if plan.target == RoundStatus.rectifying.value:
        return [("handling", False), ("returned", False)] + [("concluded", False)] * (count - 2)
    early = ("draft", "reviewed", "transferred", "accepted", "handling")
    return [(early[i % len(early)], False) for i in range(count)]


def _outcome(category: str, amount: Decimal | None, rng: random.Random) -> tuple[str, ClueOutcome]:
    """A disposal and its result, plausible for the category and the money involved."""
    if category == "cadre_selection":
        handlings = rng.randint(1, 2)
        return "inquiry", ClueOutcome(False, 0, handlings, handlings, 0, 0, Decimal("0.00"))
    money = amount or Decimal("0")
    roll = rng.random()
    if money >= 20_000 and roll < 0.7:
        sanctioned = rng.randint(1, 2)
        recovered = (money * Decimal(rng.randint(60, 100)) / 100).quantize(Decimal("0.01"))
        return "case", ClueOutcome(True, sanctioned, 0, 0, sanctioned, 0, recovered)
    if roll < 0.85:
        recovered = (money * Decimal(rng.randint(30, 100)) / 100).quantize(Decimal("0.01"))
        return "preliminary_verification", ClueOutcome(
            False, 0, 1, 1, 0, 0, recovered if money else Decimal("0.00")
        )
    return "close", ClueOutcome(False, 0, 0, 0, 0, 0, Decimal("0.00"))


def _person(rng: random.Random, kind: OrgKind, people: tuple[str, ...]) -> dict[str, str]:
    posts = _POSTS.get(kind, _DEPARTMENT_POSTS)
    post, rank = rng.choice(posts)
    if people and kind in GRASSROOTS:
        post = people[0]
    name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
    return {"name": name, "post": post, "rank": rank}


def clue_count(plan: RoundPlan) -> int:
    """How many clues a round has: one from the letter, and about one for every three orgs
    (at least four) from problems."""
    return 1 + max(4, len(plan.org_codes) // 3)


def clue_plan(county: DemoCounty, plan: RoundPlan) -> list[CluePlan]:
    """The round's clues: about one for every three orgs (at least four) from problems that
    name money or people, and one from the round's letter about 低保."""
    rng = random.Random(f"demo-clues-{county.seed}-{plan.number}")
    by_code = county.by_code()
    candidates: list[tuple[str, Any]] = []
    for code in plan.org_codes:
        kind = by_code[code].kind
        seen: set[str] = set()
        for p in plan_problems(county.seed, plan.number, code, kind):
            named = p.amount_yuan is not None or p.category == "cadre_selection"
            if p.category in _CATEGORY and p.description not in seen and named:
                candidates.append((code, p))
            seen.add(p.description)
    rng.shuffle(candidates)
    wanted = clue_count(plan) - 1
    # One clue per org first, so the clues spread over the round.
    picked: list[tuple[str, Any]] = []
    orgs: set[str] = set()
    for code, p in candidates:
        if code not in orgs and len(picked) < wanted:
            picked.append((code, p))
            orgs.add(code)
    picked += [c for c in candidates if c not in picked][: wanted - len(picked)]
    letter = next(r for r in public_report_plan(county, plan) if r.channel == "letter")
    sources: list[tuple[str, str, bool, str, str | None, tuple[str, ...]]] = [
        (letter.org_code, letter.content, True, "mass", None, ("村委会委员",))
    ]
    sources += [
        (code, p.description, False, _CATEGORY[p.category], p.amount_yuan, p.people_involved)
        for code, p in picked
    ]
    targets = _targets(plan, len(sources), rng)
    out: list[CluePlan] = []
    for (code, source, from_report, category, amount, people), (target, ret) in zip(
        sources, targets, strict=True
    ):
        disposal, outcome = _outcome(category, Decimal(amount) if amount else None, rng)
        early = plan.target == RoundStatus.on_site.value
        out.append(
            CluePlan(
                org_code=code,
                source=source,
                from_report=from_report,
                category=category,
                person=_person(rng, by_code[code].kind, people),
                allegation=_ALLEGATION[category],
                amount_yuan=amount,
                # 边巡边移: on site now, what goes ahead goes by the green channel.
                priority=(early and target != "draft") or rng.random() < 0.2,
                recipient="organization" if category == "cadre_selection" else "discipline",
                target=target,
                returned_once=ret,
                disposal=disposal,
                outcome=outcome if target in ("concluded", "closed") else None,
            )
        )
    return out

"""Clues in the demo (问题线索), through the clues service's REST API only.

While a round is on site, its groups propose clues to the clues service from problems they
recorded (and one from the round's letter about 低保, a public report), naming the person
and the allegation: that content goes to the clues service and nowhere else. The office
reviews each jointly (会商研判) and transfers it: to the discipline commission by default,
to the organization department when it is about cadre selection, some by the green
channel (绿色通道). The recipient's system signs for it, chooses a disposal (谈话函询,
初步核实, 立案审查 …), reports progress and the outcome (case filed, persons sanctioned,
organizational handling, the four forms, money recovered), and the office closes it (销号).

How far a clue gets depends on its round: the closed rounds' clues are all closed (one
was returned once for more material on the way), the rectifying round's are concluded but
one still being handled and one sent back, and the round on site now has clues at every
early stage. ``clue_plan`` is the whole plan, without the platform, so tests can count it.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planning.domain import OrgKind
from xuncha_shared.auth import Role
from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import GRASSROOTS, DemoCounty, RoundPlan
from xuncha.demo.findings.common import round_view
from xuncha.demo.findings.public_reports import public_report_plan
from xuncha.demo.problem_texts import plan_problems

__all__ = [
    "CLUES_HOOKS",
    "ClueOutcome",
    "CluePlan",
    "clue_plan",
    "clues_step",
    "register",
]

API = "/api/clues"
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
_REVIEW = {
    "commission_leader": "县纪委副书记、监委副主任 张建国",
    "office_reviewer": "县委巡察办副主任 郑晓燕",
    "supervision_room": "县纪委监委第三监督检查室",
}
KEEPER = "demo.office"
"""The clue keeper (线索管理人): the office staff member the demo signs in as."""


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


# -- who acts --------------------------------------------------------------------------------
def _recipient(ctx: DemoContext, kind: str, org_id: str) -> str:
    """The recipient department's system (its service account)."""
    if kind == "organization":
        role, subject, name = Role.organization, "svc-zzb", "县委组织部干部监督系统"
    else:
        role, subject, name = Role.discipline, "svc-jw", "县纪委监委线索处置系统"
    return ctx.token(Role.service, role, org_id=org_id, subject=subject, name=name)


def _recipient_codes(county: DemoCounty) -> dict[str, str]:
    return {role: code for code, role in county.consulted if role in ("discipline", "organization")}


# -- the step --------------------------------------------------------------------------------
async def _ledger(ctx: DemoContext, round_id: str) -> list[dict[str, Any]]:
    return await ctx.all_items(f"{API}/clues", token=ctx.office, params={"round_id": round_id})


def _reached(status: str, target: str) -> bool:
    if target == "returned" or status == "returned":
        return status == target
    return STAGES.index(status) >= STAGES.index(target)


def clues_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rnd = (await ctx.rounds()).get(plan.number)
        if rnd is None:
            return False
        wanted = Counter(c.target for c in clue_plan(ctx.county, plan))
        return Counter(c["status"] for c in await _ledger(ctx, rnd["id"])) == wanted

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        ids = await ctx.org_ids()
        sources = await _sources(ctx, rnd.id)
        existing = await _ledger(ctx, rnd.id)
        by_source = {c["source_report_id"] or c["source_problem_id"]: c for c in existing}
        recipients = {k: await ctx.org_id(code) for k, code in _recipient_codes(ctx.county).items()}
        wanted = clue_plan(ctx.county, plan)
        limit = asyncio.Semaphore(3)
        count = 0

        async def one(index: int, clue: CluePlan) -> None:
            nonlocal count
            key = ("report" if clue.from_report else ids[clue.org_code], clue.source)
            if key not in sources:
                raise DemoError(f"no source for a clue of round {plan.number}: {clue.source}")
            source_id = sources[key]
            async with limit:
                row = by_source.get(source_id)
                if row is None:
                    group = rnd.assignments[clue.org_code]["group_id"]
                    row = await _propose(ctx, rnd.member(ctx, group, index), clue, source_id)
                recipient_org = recipients[clue.recipient]
                await _drive(ctx, clue, row, recipient_org)
            count += 1
            ctx.report(count / len(wanted))

        await asyncio.gather(*(one(i, c) for i, c in enumerate(wanted)))

    return Step(
        f"round{plan.number}.clues",
        f"第{plan.number}轮：问题线索提出、会商研判、移交和办理",
        max(2, clue_count(plan) // 3),
        run,
        done,
    )


async def _sources(ctx: DemoContext, round_id: str) -> dict[tuple[str, str], str]:
    """Problem ids by (org id, description) and public report ids by ("report", content)."""
    problems = await ctx.all_items(
        "/api/findings/problems", token=ctx.office, params={"round_id": round_id}
    )
    out: dict[tuple[str, str], str] = {}
    for p in sorted(problems, key=lambda p: p["id"]):
        out.setdefault((p["org_id"], p["description"]), p["id"])
    reports = await ctx.all_items(
        "/api/findings/public-reports", token=ctx.office, params={"round_id": round_id}
    )
    out |= {("report", r["content"]): r["id"] for r in reports}
    return out


async def _propose(ctx: DemoContext, member: str, clue: CluePlan, source_id: str) -> dict[str, Any]:
    """A group member proposes the clue; the clues service may not yet know the problem or
    the group (it learns them from events): 403/422 until it does."""

    async def attempt() -> dict[str, Any] | None:
        response = await ctx.call(
            "POST",
            f"{API}/clues",
            token=member,
            json=clue.body(source_id),
            headers={"Idempotency-Key": f"demo-clue-{source_id}"},
            ok=(201, 403, 422),
        )
        if response.status_code != 201:
            return None
        receipt: dict[str, Any] = response.json()
        return receipt

    return await ctx.eventually(attempt, what="the clues service to know the clue's source")


async def _returned_before(ctx: DemoContext, clue_id: str) -> bool:
    got = (await ctx.call("GET", f"{API}/clues/{clue_id}", token=ctx.office)).json()
    return any(n["kind"] == "return" for n in got["notes"])


_RECEIVED_BY = {"discipline": "案件监督管理室 刘敏", "organization": "干部监督科 孙立"}


def _review_body(clue: CluePlan, again: bool) -> dict[str, Any]:
    opinion = (
        "已补充调取相关账目和证人证言，材料齐全，同意移交。"
        if again
        else "线索具体、可查性强，建议移交处置。"
    )
    return {
        **_REVIEW,
        "suggested_disposal": "inquiry" if clue.disposal == "close" else clue.disposal,
        "suggested_form": 3 if clue.disposal == "case" else (2 if again else 1),
        "opinion": opinion,
        "keeper_account": KEEPER,
    }


def _next(clue: CluePlan, status: str, returned: bool) -> tuple[str, bool, dict[str, Any]]:
    """The next action on the way to the clue's target: (action, by the office, body)."""
    if status in ("draft", "returned"):
        return "review", True, _review_body(clue, status == "returned")
    if status == "reviewed":
        org = {"recipient_kind": clue.recipient}
        return "transfer", True, org
    if status == "transferred" and (clue.target == "returned" or not returned):
        reason = "线索反映问题的时间、金额不够具体，请补充相关账目凭证和证人证言。"
        return "return", False, {"reason": reason}
    if status == "transferred":
        return "receipt", False, {"received_by": _RECEIVED_BY[clue.recipient]}
    if status == "accepted":
        return "disposal", False, {"disposal": clue.disposal}
    if status == "handling" and clue.outcome is not None:
        return "outcome", False, clue.outcome.body()
    if status == "concluded":
        return "close", True, {}
    raise DemoError(f"a clue in status {status} cannot reach {clue.target}")


async def _drive(ctx: DemoContext, clue: CluePlan, row: dict[str, Any], recipient_org: str) -> None:
    """Move a clue on, from wherever it stands, until it reaches its planned status; a clue
    left being handled gets a progress report when its disposal is chosen."""
    path = f"{API}/clues/{row['id']}"
    status, version = row["status"], row["version"]
    system = _recipient(ctx, clue.recipient, recipient_org)
    # Only a clue planned to go back once is returned, and only once.
    returned = not clue.returned_once
    if not returned and status == "transferred":
        returned = await _returned_before(ctx, row["id"])
    elif status not in ("draft", "reviewed"):
        returned = True
    for _ in range(16):
        if _reached(status, clue.target) and (returned or status != "transferred"):
            return
        action, by_office, body = _next(clue, status, returned)
        if action == "transfer":
            body["recipient_org_id"] = recipient_org
        response = await ctx.call(
            "POST",
            f"{path}/{action}",
            token=ctx.office if by_office else system,
            json=body,
            headers={"If-Match": f'"{version}"'},
        )
        got = response.json()
        status, version = got["status"], got["version"]
        returned = returned or action == "return"
        if action == "disposal" and clue.target == "handling":
            await ctx.call(
                "POST",
                f"{path}/progress",
                token=system,
                json={"note": "已成立核查组，调取相关账目凭证，正在开展谈话核实。"},
                headers={"If-Match": f'"{version}"'},
            )
            return
    raise DemoError(f"clue {row['id']} did not reach {clue.target}")


# -- hooks -----------------------------------------------------------------------------------
CLUES_HOOKS: dict[RoundStatus, list[Callable[[RoundPlan], Step]]] = {
    RoundStatus.on_site: [clues_step],
}
"""Clues go while the round is on site (边巡边移): after the problems and public reports."""


def register(hooks: dict[RoundStatus, list[Callable[[RoundPlan], Step]]]) -> None:
    """Add the clue steps to ``hooks`` (``ROUND_HOOKS``), once."""
    for status, makers in CLUES_HOOKS.items():
        hooks[status] += [m for m in makers if m not in hooks[status]]

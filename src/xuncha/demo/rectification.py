"""Rectification in the demo (整改), through the rectification service's REST API only.

* ``feedback``: the rectification service opens each org's plan and a task per problem
  from findings' events (the demo waits for them); the org fills in every task — measures,
  the person responsible, the county leader who owns it (领办), long-term tasks with their
  own deadline — and submits the plan.
* ``rectifying``: the org reports progress with evidence (a problem rectified on the spot
  is claimed at once) and claims tasks done with the party head's truthfulness
  commitment; the discipline commission (the organization department for party building
  and cadre selection) accepts most and rejects some, which go back and are then
  accepted; institutions built (建章立制). In the closed rounds every task ends accepted;
  in the rectifying round part of them, one org's task was rejected twice (a red card
  follows from the service's rules), the orgs already done are rated, and the
  organization department runs a promotion check on the leader who owns that org's tasks.
* ``closed``: the rectification report with the truthfulness commitment, disclosed inside
  the party and to the public; the office rates every org of the round.

The service stamps every action with its own clock (today), so no task is overdue and no
yellow card follows from time: the demo cannot move the clock. ``task_outcomes`` and
``institution_count`` plan it all without the platform, so tests can count it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from planning.domain import OrgKind
from xuncha_shared.auth import Role
from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import GRASSROOTS, DemoCounty, RoundPlan
from xuncha.demo.findings.public_reports import public_report_plan
from xuncha.demo.problem_texts import plan_problems

__all__ = [
    "LEADERS",
    "RECTIFICATION_HOOKS",
    "finished_orgs",
    "institution_count",
    "plans_step",
    "progress_step",
    "red_org",
    "register",
    "report_step",
    "task_counts",
    "task_outcomes",
]

API = "/api/rectification"
LEADERS: dict[str, tuple[str, str]] = {
    "grassroots": ("demo.leader", "李卫东"),
    "township": ("demo.leader.zhou", "周振华"),
    "department": ("demo.leader.han", "韩立民"),
}
"""The county leaders who own (领办) the tasks, by kind of org: account and name."""
_RESPONSIBLE = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
_GIVEN = ("明", "强", "伟", "芳", "军", "红", "勇", "静", "磊", "洋", "艳", "刚", "平", "辉")
_POST = {
    OrgKind.village: "村党支部书记",
    OrgKind.community: "社区党总支书记",
    OrgKind.township: "党委副书记",
}
_MEASURES = {
    "village_assets": "全面清理村集体“三资”，严格执行“四议两公开”，对违规支出限期追回，"
    "建立村级财务月审制度",
    "benefit_policies": "逐户复核享受政策对象，对不符合条件的立即清退并追回资金，"
    "完善民主评议和公示程序",
    "living_environment": "制定整治台账，明确专人负责，限期清理到位，建立长效管护机制",
    "party_building": "对照《中国共产党支部工作条例》逐项整改，补齐会议记录和程序材料，"
    "加强党务干部培训",
    "four_winds": "责令退还违规款项，开展作风纪律专项整治，修订公务接待和用车管理制度",
    "strict_governance": "压实主体责任，制定班子成员“一岗双责”清单，定期开展廉政谈话",
    "party_leadership": "专题学习上级决策部署，制定任务清单和时间表，班子成员分工包抓推进",
    "cadre_selection": "严格执行干部选拔任用程序，对档案信息逐人核实更正，清理违规借调人员",
    "ideology": "落实意识形态工作责任制，每半年专题研究一次，健全信息发布审核制度",
}
_INSTITUTIONS = {
    "grassroots": ("村级财务公开制度", "村集体“三资”管理办法", "低保评议公示制度"),
    "township": ("村级工程项目管理办法", "乡镇干部考勤管理办法", "农村集体资金审批管理规定"),
    "department": ("机关公务接待管理办法", "专项资金管理办法", "干部选拔任用工作规程"),
}
ACCEPTED, REJECTED_ONCE, CLAIMED, OPEN, RED = (
    "accepted",
    "rejected_once",
    "claimed",
    "open",
    "red",
)
"""What becomes of a task: accepted; rejected once, then accepted; claimed done and
awaiting acceptance; open with progress reported; rejected twice and open again (red)."""


# -- the plan --------------------------------------------------------------------------------
def _sector(kind: OrgKind) -> str:
    if kind in GRASSROOTS:
        return "grassroots"
    return "township" if kind == OrgKind.township else "department"


def task_counts(county: DemoCounty, plan: RoundPlan) -> dict[str, int]:
    """Tasks per org code: one per problem fed back, those found from public reports too."""
    by_code = county.by_code()
    counts = {
        code: len(plan_problems(county.seed, plan.number, code, by_code[code].kind))
        for code in plan.org_codes
    }
    for report in public_report_plan(county, plan):
        if report.outcome == "problem":
            counts[report.org_code] += 1
    return counts


def red_org(county: DemoCounty, plan: RoundPlan) -> str | None:
    """The org of the rectifying round whose task is rejected twice (a red card)."""
    if plan.target != RoundStatus.rectifying.value:
        return None
    by_code = county.by_code()
    return next(
        (c for c in plan.org_codes if by_code[c].kind == OrgKind.department), plan.org_codes[0]
    )


def _pace(county: DemoCounty, plan: RoundPlan, code: str) -> str:
    """How far an org of the rectifying round has got: finished, most or half."""
    if code == red_org(county, plan):
        return "half"
    if code == plan.org_codes[-1]:  # at least one org is done already
        return "finished"
    rng = random.Random(f"demo-pace-{county.seed}-{plan.number}-{code}")
    return rng.choices(["finished", "most", "half"], [0.4, 0.4, 0.2])[0]


def task_outcomes(county: DemoCounty, plan: RoundPlan, code: str, n: int) -> list[str]:
    """What becomes of each of an org's ``n`` tasks (in the order of their descriptions)."""
    rng = random.Random(f"demo-rect-{county.seed}-{plan.number}-{code}")
    out = [ACCEPTED] * n
    if n == 0:
        return out
    if rng.random() < 0.5:
        out[rng.randrange(n)] = REJECTED_ONCE
    if plan.target != RoundStatus.rectifying.value:
        return out
    pace = _pace(county, plan, code)
    if pace != "finished":
        share = 0.75 if pace == "most" else 0.5
        left = max(1, round(n * (1 - share)))
        for i in range(n - left, n):
            out[i] = CLAIMED if i % 2 else OPEN
    if code == red_org(county, plan):
        out[0] = RED
    return out


def finished_orgs(county: DemoCounty, plan: RoundPlan) -> list[str]:
    """Orgs whose tasks all end accepted."""
    counts = task_counts(county, plan)
    return [
        code
        for code in plan.org_codes
        if all(
            o in (ACCEPTED, REJECTED_ONCE) for o in task_outcomes(county, plan, code, counts[code])
        )
    ]


def institution_count(county: DemoCounty, plan: RoundPlan, code: str) -> int:
    """Institutions an org builds: one for a village, two otherwise; in the rectifying
    round only the orgs that have got far."""
    kind = county.by_code()[code].kind
    if plan.target == RoundStatus.rectifying.value and _pace(county, plan, code) == "half":
        return 0
    return 1 if kind in GRASSROOTS else 2


# -- who acts --------------------------------------------------------------------------------
def _inspected(ctx: DemoContext, org_id: str) -> str:
    return ctx.token(
        Role.inspected, org_id=org_id, subject=f"org-{org_id[:8]}", name="被巡察党组织"
    )


async def _supervisor(ctx: DemoContext, category: str) -> str:
    """Organization accepts party building and cadre selection, discipline the rest."""
    codes = {role: code for code, role in ctx.county.consulted}
    if category in ("party_building", "cadre_selection") and "organization" in codes:
        return await _organization(ctx)
    org = await ctx.org_id(codes["discipline"])
    return ctx.token(Role.discipline, org_id=org, subject="demo.jw", name="县纪委监委 王红梅")


async def _organization(ctx: DemoContext) -> str:
    code = next(code for code, role in ctx.county.consulted if role == "organization")
    org = await ctx.org_id(code)
    return ctx.token(Role.organization, org_id=org, subject="demo.zzb", name="县委组织部 陈立新")


def _responsible(county: DemoCounty, code: str) -> str:
    rng = random.Random(f"demo-responsible-{county.seed}-{code}")
    kind = county.by_code()[code].kind
    name = rng.choice(_RESPONSIBLE) + "".join(rng.choices(_GIVEN, k=rng.randint(1, 2)))
    return f"{_POST.get(kind, '党组成员、副局长')} {name}"


# -- reads -----------------------------------------------------------------------------------
async def _total(ctx: DemoContext, path: str, **params: Any) -> int:
    page = await ctx.call("GET", API + path, token=ctx.office, params={**params, "limit": 1})
    return int(page.json()["total"])


async def _round_id(ctx: DemoContext, plan: RoundPlan) -> str | None:
    rnd = (await ctx.rounds()).get(plan.number)
    return None if rnd is None else str(rnd["id"])


async def _plans(ctx: DemoContext, plan: RoundPlan, round_id: str) -> dict[str, dict[str, Any]]:
    """The round's plans by org code, once rectification has opened every org's plan and
    its tasks from the feedback events."""
    codes = {v: k for k, v in (await ctx.org_ids()).items()}
    wanted = sum(task_counts(ctx.county, plan).values())

    async def opened() -> dict[str, dict[str, Any]] | None:
        plans = await ctx.all_items(f"{API}/plans", token=ctx.office, params={"round_id": round_id})
        ready = [p for p in plans if p["status"] != "awaiting_feedback"]
        if len(ready) < len(plan.org_codes) or sum(p["task_count"] for p in ready) < wanted:
            return None
        return {codes[p["org_id"]]: p for p in ready}

    return await ctx.eventually(
        opened, what=f"rectification plans of round {plan.number}", timeout=120.0
    )


async def _tasks(ctx: DemoContext, plan_id: str) -> list[dict[str, Any]]:
    """A plan's tasks in the order the outcomes are planned in."""
    tasks = await ctx.all_items(f"{API}/tasks", token=ctx.office, params={"plan_id": plan_id})
    return sorted(tasks, key=lambda t: (t["description"], t["problem_id"]))


def _etag(thing: dict[str, Any]) -> dict[str, str]:
    return {"If-Match": f'"{thing["version"]}"'}


async def _gather(ctx: DemoContext, codes: list[str], one: Callable[[str], Any]) -> None:
    """Run ``one(code)`` for every org, three at a time, reporting progress."""
    limit = asyncio.Semaphore(3)
    count = 0

    async def guarded(code: str) -> None:
        nonlocal count
        async with limit:
            await one(code)
        count += 1
        ctx.report(count / len(codes))

    await asyncio.gather(*(guarded(c) for c in codes))


# -- feedback: the plans ---------------------------------------------------------------------
def plans_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await _round_id(ctx, plan)
        if rid is None:
            return False
        submitted = await _total(ctx, "/plans", round_id=rid, status="submitted")
        return submitted >= len(plan.org_codes)

    async def run(ctx: DemoContext) -> None:
        rid = await _round_id(ctx, plan)
        assert rid is not None
        plans = await _plans(ctx, plan, rid)
        by_code = ctx.county.by_code()

        async def one(code: str) -> None:
            p = plans[code]
            if p["status"] == "submitted":
                return
            org_token = _inspected(ctx, p["org_id"])
            account, leader = LEADERS[_sector(by_code[code].kind)]
            for task in await _tasks(ctx, p["id"]):
                if task["status"] != "open" or (task["measures"] and task["owner_account"]):
                    continue
                body: dict[str, Any] = {
                    "measures": _MEASURES.get(task["category"], "制定整改措施，明确时限，逐项销号"),
                    "responsible_person": _responsible(ctx.county, code),
                    "owner_account": account,
                    "owner_name": leader,
                }
                if task["category"] == "party_leadership" and not task["immediate"]:
                    # 长期坚持: a standing task with a deadline a year out.
                    body |= {
                        "kind": "long",
                        "due_on": (ctx.today + timedelta(days=365)).isoformat(),
                    }
                await ctx.call(
                    "PATCH",
                    f"{API}/tasks/{task['id']}",
                    token=org_token,
                    json=body,
                    headers=_etag(task),
                )
            # Filling in tasks leaves the plan's version as it was listed.
            await ctx.call(
                "POST", f"{API}/plans/{p['id']}/submit", token=org_token, headers=_etag(p)
            )

        await _gather(ctx, list(plan.org_codes), one)

    return Step(
        f"round{plan.number}.rectification_plans",
        f"第{plan.number}轮：被巡察党组织认领问题、报送整改方案",
        max(2, len(plan.org_codes) // 4),
        run,
        done,
    )


# -- rectifying: progress, acceptance, institutions ------------------------------------------
def _expected(county: DemoCounty, plan: RoundPlan) -> tuple[int, int, int]:
    """(accepted, claimed, rejections) the round's tasks end with."""
    counts = task_counts(county, plan)
    outcomes = [o for c in plan.org_codes for o in task_outcomes(county, plan, c, counts[c])]
    accepted = sum(o in (ACCEPTED, REJECTED_ONCE) for o in outcomes)
    rejections = sum(o == REJECTED_ONCE for o in outcomes) + 2 * outcomes.count(RED)
    return accepted, outcomes.count(CLAIMED), rejections


def progress_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await _round_id(ctx, plan)
        if rid is None:
            return False
        accepted, claimed, _ = _expected(ctx.county, plan)
        if await _total(ctx, "/tasks", round_id=rid, status="accepted") < accepted:
            return False
        if await _total(ctx, "/tasks", round_id=rid, status="claimed") < claimed:
            return False
        wanted = sum(institution_count(ctx.county, plan, c) for c in plan.org_codes)
        built = await ctx.call(
            "GET", f"{API}/institutions", token=ctx.office, params={"round_id": rid}
        )
        if len(built.json()) < wanted:
            return False
        if plan.target != RoundStatus.rectifying.value:
            return True
        return await _total(ctx, "/ratings", round_id=rid) >= len(finished_orgs(ctx.county, plan))

    async def run(ctx: DemoContext) -> None:
        rid = await _round_id(ctx, plan)
        assert rid is not None
        plans = await _plans(ctx, plan, rid)
        built = await ctx.call(
            "GET", f"{API}/institutions", token=ctx.office, params={"round_id": rid}
        )
        have: dict[str, int] = {}
        for row in built.json():
            have[row["org_id"]] = have.get(row["org_id"], 0) + 1

        async def one(code: str) -> None:
            p = plans[code]
            org_token = _inspected(ctx, p["org_id"])
            tasks = await _tasks(ctx, p["id"])
            outcomes = task_outcomes(ctx.county, plan, code, len(tasks))
            # Open tasks first: an org half done when a run stopped is not counted done.
            for task, outcome in sorted(
                zip(tasks, outcomes, strict=True), key=lambda x: x[1] != OPEN
            ):
                await _rectify(ctx, task, outcome, org_token)
            await _institutions(ctx, plan, code, p, tasks, have.get(p["org_id"], 0), org_token)

        await _gather(ctx, list(plan.org_codes), one)
        if plan.target == RoundStatus.rectifying.value:
            rated = {
                r["org_id"]
                for r in await ctx.all_items(
                    f"{API}/ratings", token=ctx.office, params={"round_id": rid}
                )
            }
            for code in finished_orgs(ctx.county, plan):
                if plans[code]["org_id"] not in rated:
                    path = f"{API}/plans/{plans[code]['id']}/rating"
                    await ctx.call("POST", path, token=ctx.office)
            await _promotion_check(ctx, plan)

    return Step(
        f"round{plan.number}.rectification_progress",
        f"第{plan.number}轮：整改进展、销号申请、纪委监委和组织部验收、建章立制",
        max(3, len(plan.org_codes) // 2),
        run,
        done,
    )


async def _rectify(ctx: DemoContext, task: dict[str, Any], outcome: str, org_token: str) -> None:
    """Move one task on, from wherever it stands, to its planned outcome."""
    url = f"{API}/tasks/{task['id']}"
    wanted_rejections = {REJECTED_ONCE: 1, RED: 2}.get(outcome, 0)
    for _ in range(8):
        status, rejections = task["status"], task["rejections"]
        if status == "accepted" or (outcome == CLAIMED and status == "claimed"):
            return
        if outcome == RED and status == "open" and rejections >= 2:
            return
        if status == "claimed":
            supervisor = await _supervisor(ctx, task["category"])
            if rejections < wanted_rejections:
                body = {"reasons": "整改佐证材料不足，群众满意度未核实，请补充后重新申请销号。"}
                action = "reject"
            else:
                body = {"comment": "经现场核查，整改措施落实到位，同意销号。"}
                action = "accept"
            response = await ctx.call(
                "POST", f"{url}/{action}", token=supervisor, json=body, headers=_etag(task)
            )
            task = response.json()
            continue
        n = rejections + 1
        # A problem rectified on the spot is claimed with its evidence at once; the others,
        # and work sent back, report their progress first.
        if task["immediate"] and n == 1 and outcome in (ACCEPTED, REJECTED_ONCE, RED):
            task = await _claim(ctx, task, n, org_token)
            continue
        await ctx.call(
            "POST",
            f"{url}/progress",
            token=org_token,
            json={
                "reported_on": ctx.today.isoformat(),
                "text": f"第{n}次报告：已按整改措施逐项推进，完成主要整改内容。",
                "evidence": [
                    {"name": "整改工作台账", "ref": f"整改-{task['id'][:8]}-{n}"},
                    {"name": "现场照片", "ref": f"照片-{task['id'][:8]}-{n}"},
                ],
            },
            headers={"Idempotency-Key": f"demo-progress-{task['id']}-{n}"},
        )
        if outcome == OPEN:  # progress only, reported once (the key makes a rerun replay it)
            return
        task = await _claim(ctx, task, n, org_token)
    raise DemoError(f"task {task['id']} did not reach {outcome}")


async def _claim(ctx: DemoContext, task: dict[str, Any], n: int, org_token: str) -> dict[str, Any]:
    """The org claims the task done (申请销号) with the party head's commitment."""
    response = await ctx.call(
        "POST",
        f"{API}/tasks/{task['id']}/claim",
        token=org_token,
        json={
            "summary": "整改措施已全部落实，问题已整改到位，申请销号。",
            "evidence": [{"name": "整改完成情况报告", "ref": f"销号-{task['id'][:8]}-{n}"}],
            "commitment": {
                "signed_by": "党组织主要负责人",
                "statement": "本人承诺以上整改情况真实、准确、完整，如有虚假，愿承担相应责任。",
            },
        },
        headers=_etag(task),
    )
    claimed: dict[str, Any] = response.json()
    return claimed


async def _institutions(
    ctx: DemoContext,
    plan: RoundPlan,
    code: str,
    p: dict[str, Any],
    tasks: list[dict[str, Any]],
    have: int,
    org_token: str,
) -> None:
    org = ctx.county.by_code()[code]
    names = _INSTITUTIONS[_sector(org.kind)]
    adopted = min(plan.on_site_until + timedelta(days=45), ctx.today)
    for i in range(have, institution_count(ctx.county, plan, code)):
        task = tasks[i % len(tasks)]
        body: dict[str, Any] = {
            "name": f"《{org.name}{names[i % len(names)]}》",
            "adopted_on": adopted.isoformat(),
        }
        if org.kind not in GRASSROOTS:
            body["doc_number"] = f"{org.name}发〔{adopted.year}〕{i + 1}号"[:64]
        await ctx.call(
            "POST",
            f"{API}/tasks/{task['id']}/institutions",
            token=org_token,
            json=body,
            headers={"Idempotency-Key": f"demo-institution-{p['id']}-{i}"},
        )


# -- closed: report, disclosure, rating, promotion check -------------------------------------
def report_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await _round_id(ctx, plan)
        if rid is None:
            return False
        return await _total(ctx, "/ratings", round_id=rid) >= len(plan.org_codes)

    async def run(ctx: DemoContext) -> None:
        rid = await _round_id(ctx, plan)
        assert rid is not None
        plans = await _plans(ctx, plan, rid)

        async def one(code: str) -> None:
            p = plans[code]
            org_token = _inspected(ctx, p["org_id"])
            url = f"{API}/plans/{p['id']}/report"
            got = await ctx.call("GET", url, token=org_token, ok=(200, 404))
            if got.status_code == 404:
                got = await ctx.call(
                    "POST",
                    url,
                    token=org_token,
                    json={
                        "content": (
                            f"根据县委第{plan.number}轮巡察反馈意见，{p['org_name']}党组织全盘认领"
                            f"{p['task_count']}个问题，逐项制定整改措施。集中整改期内，"
                            f"已完成整改{p['accepted_count']}项，建立完善制度机制，"
                            "对整改中发现的问题举一反三、标本兼治，巩固整改成果。"
                        ),
                        "commitment": {
                            "signed_by": "党组织书记",
                            "statement": "本人对整改报告内容的真实性负责，如有虚假整改、敷衍整改，"
                            "愿承担相应责任。",
                        },
                    },
                )
            scopes = {d["scope"] for d in got.json()["disclosures"]}
            for scope, place in (("party", "党员大会"), ("public", "县委巡察网站、村务公开栏")):
                if scope not in scopes:
                    await ctx.call(
                        "POST",
                        f"{url}/disclosures",
                        token=org_token,
                        json={
                            "scope": scope,
                            "disclosed_on": ctx.today.isoformat(),
                            "place": place,
                        },
                    )

        await _gather(ctx, list(plan.org_codes), one)
        await ctx.call("POST", f"{API}/rounds/{rid}/ratings", token=ctx.office)

    return Step(
        f"round{plan.number}.rectification_report",
        f"第{plan.number}轮：整改报告（真实性承诺）、整改公开、整改成效评定",
        max(1, len(plan.org_codes) // 6),
        run,
        done,
    )


async def _promotion_check(ctx: DemoContext, plan: RoundPlan) -> None:
    """组织部 asks, before a cadre decision, whether the rectification owned by the leader of
    the red-carded org's tasks is overdue (it is late in quality, not yet in time)."""
    code = red_org(ctx.county, plan)
    if code is None:
        return
    account, name = LEADERS[_sector(ctx.county.by_code()[code].kind)]
    check = (
        await ctx.call(
            "GET",
            f"{API}/promotion-check",
            token=await _organization(ctx),
            params={"account": account},
        )
    ).json()
    verdict = (
        f"有{len(check['tasks'])}项逾期整改，暂停" if check["blocking"] else "无逾期整改，不影响"
    )
    ctx.notes.append(f"干部任用必审：领办领导{name}{verdict}提拔使用")


# -- hooks -----------------------------------------------------------------------------------
RECTIFICATION_HOOKS: dict[RoundStatus, list[Callable[[RoundPlan], Step]]] = {
    RoundStatus.feedback: [plans_step],
    RoundStatus.rectifying: [progress_step],
    RoundStatus.closed: [report_step],
}
"""Rectification's steps per stage (registered into ``ROUND_HOOKS`` after findings')."""


def register(hooks: dict[RoundStatus, list[Callable[[RoundPlan], Step]]]) -> None:
    """Add rectification's steps to ``hooks`` (``ROUND_HOOKS``), once."""
    for status, makers in RECTIFICATION_HOOKS.items():
        hooks[status] += [m for m in makers if m not in hooks[status]]

"""Findings in the demo (巡察发现), through the findings service's REST API only.

* ``on_site``: the round's announcement (巡察公告) with its channels; each group's members
  record what they find on their assignments (6–10 problems per org, most village problems
  rectified on the spot); a few public reports — entered by the group (来信来电来访) and,
  in the round on site now, one or two sent on the public endpoint — triaged to a problem,
  forwarded to a department that replies, or closed with a reason.
* ``reporting``: one report per assignment and a comprehensive report for one township
  with its villages, submitted, reviewed by the discipline commission (one returned once
  with comments), approved by the leadership group.
* ``feedback``: feedback per assignment, copied to 纪委监委 and 组织部; then a
  recommendation letter (巡察建议书) on the round's largest common problem, copied to a
  county leader, and a reminder letter (提醒函) to a township with its reply.

Findings learns rounds, groups and assignments from planning's events, so the first call
of a round waits (``ctx.eventually``) until findings knows them. Done checks read one
filtered list item and its ``total``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from planning.domain import OrgKind
from xuncha_shared.auth import Role
from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import GRASSROOTS, DemoCounty, RoundPlan
from xuncha.demo.problem_texts import plan_problems

__all__ = [
    "FINDINGS_HOOKS",
    "ISSUER_SHORT",
    "LEADER",
    "PublicReportPlan",
    "RoundView",
    "expected_problems",
    "expected_reports",
    "feedback_step",
    "findings_settings_step",
    "letters_step",
    "problems_step",
    "public_report_plan",
    "public_reports_step",
    "register",
    "reports_step",
    "round_view",
]

API = "/api/findings"
ISSUER_SHORT = "温"
"""文号 prefix the office sets (温巡建〔2027〕3号)."""
LEADER = ("demo.leader", "县委副书记 李卫东同志")
"""The county leader in charge (分管县级领导) the recommendation letters are copied to."""
_WAITING = (403, 404, 409)
"""What findings answers while it has not yet consumed planning's events."""
# 行业主管部门 for a common problem's category, by name in the registry (first found).
_COMPETENT = {
    "village_assets": ("县农业农村局", "县农村经营管理站", "县财政局"),
    "benefit_policies": ("县民政局", "县乡村振兴局", "县医疗保障局"),
    "living_environment": ("县住房和城乡建设局", "县农业农村局", "县城市管理局"),
    "four_winds": ("县委办公室", "县机关事务管理局"),
    "party_building": ("县委组织部",),
    "cadre_selection": ("县委组织部",),
}
_FALLBACK_COMPETENT = ("县委组织部", "县委办公室")


# -- who acts --------------------------------------------------------------------------------
def _discipline(ctx: DemoContext) -> str:
    return ctx.token(Role.discipline, subject="demo.jw", name="县纪委监委 王红梅")


def _org_token(ctx: DemoContext, role: Role, org_id: str, name: str) -> str:
    return ctx.token(role, org_id=org_id, subject=f"org-{org_id[:8]}", name=name)


@dataclass
class RoundView:
    """A round as findings' steps need it: assignments by org code, members by group."""

    id: str
    assignments: dict[str, dict[str, Any]]
    members: dict[str, list[tuple[str, str, str]]]
    """group id → (account, name, role), leader first."""

    def member(self, ctx: DemoContext, group_id: str, index: int = 0) -> str:
        people = self.members[group_id]
        account, name, _ = people[index % len(people)]
        return ctx.token(Role.group, subject=account, name=name)


async def round_view(ctx: DemoContext, plan: RoundPlan) -> RoundView:
    """The round's assignments and group members from planning (for clues and
    rectification steps too: ``view.member(ctx, group_id)`` is a member's token)."""
    rnd = await ctx.round(plan.number)
    rid = str(rnd["id"])
    assignments = await ctx.all_items(f"/rounds/{rid}/assignments", token=ctx.office)
    groups = await ctx.all_items(f"/rounds/{rid}/groups", token=ctx.office)
    accounts = {c["id"]: c.get("account") or f"acct-{c['code']}" for c in await ctx.cadres()}
    order = {"leader": 0, "deputy": 1, "member": 2}
    members = {
        g["id"]: [
            (accounts.get(m["cadre_id"]) or f"acct-{m['code']}", m["name"], m["role"])
            for m in sorted(g["members"], key=lambda m: order.get(m["role"], 3))
        ]
        for g in groups
    }
    return RoundView(rid, {a["org_code"]: a for a in assignments}, members)


async def _total(ctx: DemoContext, path: str, token: str | None = None, **params: Any) -> int:
    page = (
        await ctx.call("GET", API + path, token=token or ctx.office, params={**params, "limit": 1})
    ).json()
    return int(page["total"])


async def _round_id(ctx: DemoContext, plan: RoundPlan) -> str | None:
    rnd = (await ctx.rounds()).get(plan.number)
    return None if rnd is None else str(rnd["id"])


async def _until_taken(
    ctx: DemoContext, send: Callable[[], Awaitable[Any]], *, what: str
) -> dict[str, Any]:
    """Send a request until findings takes it (it answers 403/404/409 while it has not yet
    consumed planning's events about the round)."""

    last: list[str] = []

    async def attempt() -> dict[str, Any] | None:
        response = await send()
        if response.status_code in _WAITING:
            last[:] = [f"{response.status_code}: {response.text[:400]}"]
            return None
        body: dict[str, Any] = response.json()
        return body

    try:
        return await ctx.eventually(attempt, what=what, timeout=90.0)
    except DemoError as exc:  # say what findings kept answering
        raise DemoError(f"{exc} (last answer {last[0] if last else '-'})") from exc


# -- settings (once) -------------------------------------------------------------------------
def findings_settings_step() -> Step:
    """The office sets findings up for the county: 文号 prefix and issuer, reply deadlines,
    who the feedback is copied to (纪委监委, 组织部)."""

    async def done(ctx: DemoContext) -> bool:
        got = (await ctx.call("GET", f"{API}/settings", token=ctx.office)).json()
        return not got["is_default"]

    async def run(ctx: DemoContext) -> None:
        copies = [await ctx.org_id(code) for code in _copied_codes(ctx.county)]
        body = {
            "issuer_short": ISSUER_SHORT,
            "issuer_name": "中共温县县委巡察工作领导小组",
            "letter_reply_workdays": 15,
            "forward_reply_workdays": 10,
            "similarity_threshold": 60,
            "feedback_copy_org_ids": copies,
        }

        async def attempt() -> dict[str, Any] | None:
            response = await ctx.call(
                "PUT", f"{API}/settings", token=ctx.office, json=body, ok=(200, 201, 422)
            )
            return None if response.status_code == 422 else dict(response.json())

        await ctx.eventually(attempt, what="findings to know the county's orgs", timeout=90.0)

    return Step("findings.settings", "巡察发现：发文机关和抄送设置", 1, run, done)


def _copied_codes(county: DemoCounty) -> list[str]:
    return [code for code, role in county.consulted if role in ("discipline", "organization")]


# -- on site: problems -----------------------------------------------------------------------
def expected_problems(county: DemoCounty, plan: RoundPlan) -> int:
    """How many problems the groups record in a round (public reports turned into problems
    come on top: :func:`public_report_plan`)."""
    by_code = county.by_code()
    return sum(
        len(plan_problems(county.seed, plan.number, code, by_code[code].kind))
        for code in plan.org_codes
    )


def problems_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await _round_id(ctx, plan)
        if rid is None:
            return False
        return await _total(ctx, "/problems", round_id=rid) >= expected_problems(ctx.county, plan)

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        by_code = ctx.county.by_code()
        todo = [code for code in plan.org_codes if code in rnd.assignments]
        limit = asyncio.Semaphore(3)
        count = 0

        async def record(index: int, code: str) -> None:
            nonlocal count
            assignment = rnd.assignments[code]
            problems = plan_problems(ctx.county.seed, plan.number, code, by_code[code].kind)
            token = rnd.member(ctx, assignment["group_id"], index)
            async with limit:
                have = await _total(ctx, "/problems", assignment_id=assignment["id"])
                if have == 0:
                    await _until_taken(
                        ctx,
                        lambda: ctx.call(
                            "POST",
                            f"{API}/problems/batch",
                            token=token,
                            json={
                                "assignment_id": assignment["id"],
                                "problems": [p.body() for p in problems],
                            },
                            headers={"Idempotency-Key": f"demo-problems-{assignment['id']}"},
                            ok=(201, *_WAITING),
                        ),
                        what=f"findings to know the assignment of {assignment['org_name']}",
                    )
            count += 1
            ctx.report(count / len(todo))

        await asyncio.gather(*(record(i, code) for i, code in enumerate(todo)))

    weight = max(2, len(plan.org_codes) // 6)
    return Step(
        f"round{plan.number}.problems", f"第{plan.number}轮：巡察组记录发现问题", weight, run, done
    )


# -- on site: announcement and public reports ------------------------------------------------
@dataclass(frozen=True)
class PublicReportPlan:
    """One public report of a round and what the group does with it."""

    channel: str
    org_code: str
    content: str
    outcome: str
    public: bool = False
    """Sent by a member of the public on the public endpoint (else entered by the group)."""


def _villages(county: DemoCounty, plan: RoundPlan) -> list[str]:
    by_code = county.by_code()
    return [c for c in plan.org_codes if by_code[c].kind in GRASSROOTS]


def public_report_plan(county: DemoCounty, plan: RoundPlan) -> list[PublicReportPlan]:
    """A few reports per round: a letter about 低保 (→ problem), a call about a road
    (→ forwarded), a visit outside the round's remit (→ no action); the round on site now
    also gets two online reports on the public endpoint."""
    rng = random.Random(f"demo-public-{county.seed}-{plan.number}")
    by_code = county.by_code()
    villages = _villages(county, plan) or list(plan.org_codes)
    picks = [rng.choice(villages) for _ in range(5)]
    name = [by_code[c].name for c in picks]
    out = [
        PublicReportPlan(
            "letter",
            picks[0],
            f"反映{name[0]}低保评定不公，村干部亲属多人享受低保，真正困难的群众却评不上。",
            "problem",
        ),
        PublicReportPlan(
            "phone",
            picks[1],
            f"反映{name[1]}村口道路修好不到一年就多处破损，怀疑工程偷工减料。",
            "forwarded",
        ),
        PublicReportPlan(
            "visit",
            picks[2],
            f"反映本人与邻居宅基地边界纠纷多年未解决（{name[2]}）。",
            "no_action",
        ),
    ]
    if plan.target == RoundStatus.on_site.value:
        out += [
            PublicReportPlan(
                "online",
                picks[3],
                f"{name[3]}集体坑塘对外承包，承包费去向不明，从未向村民公开。",
                "problem",
                public=True,
            ),
            PublicReportPlan(
                "online",
                picks[4],
                f"建议{name[4]}多安装几盏路灯，晚上出行不方便。",
                "forwarded",
                public=True,
            ),
        ]
    return out


_TRIAGE_CATEGORY = {"letter": "benefit_policies", "online": "village_assets"}


def _road_department(ctx: DemoContext, plan: RoundPlan) -> str:
    names = {o.name: o.code for o in ctx.county.orgs if o.kind == OrgKind.department}
    for wanted in ("县交通运输局", "县住房和城乡建设局", "县农业农村局", "县委办公室"):
        if wanted in names:
            return names[wanted]
    skip = set(plan.org_codes) | {code for code, _ in ctx.county.consulted}
    return next(code for name, code in sorted(names.items()) if code not in skip)


def _announcement(ctx: DemoContext, plan: RoundPlan) -> dict[str, Any]:
    county = ctx.county
    return {
        "text": (
            f"根据县委巡察工作统一部署，县委巡察组于{plan.on_site_from:%Y年%m月%d日}至"
            f"{plan.on_site_until:%Y年%m月%d日}对{len(plan.org_codes)}个党组织开展第{plan.number}轮"
            f"{'专项' if plan.theme else '常规'}巡察。"
            "巡察期间，主要受理反映被巡察党组织领导班子及其成员、"
            "村（社区）干部的来信来电来访，以及群众身边腐败和作风问题。"
            "根据巡察工作职责，巡察组不受理不属于巡察受理范围的信访问题，"
            "此类问题将按规定转交有关部门处理。"
        ),
        "phone": f"0391-{6100000 + county.seed % 1000 * 10 + plan.number}",
        "mailbox": f"县邮政局{plan.number:02d}号信箱",
        "address": "县委巡察办（县行政服务中心四楼）",
        "online_url": "https://xuncha.example.gov.cn/report",
    }


def public_reports_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await _round_id(ctx, plan)
        if rid is None:
            return False
        got = await ctx.client.get(f"{API}/public/rounds/{rid}/announcement")
        if got.status_code != 200:
            return False
        wanted = len(public_report_plan(ctx.county, plan))
        if await _total(ctx, "/public-reports", round_id=rid) < wanted:
            return False
        if await _total(ctx, "/public-reports", round_id=rid, status="received"):
            return False
        forwarded = await ctx.all_items(
            f"{API}/public-reports",
            token=ctx.office,
            params={"round_id": rid, "outcome": "forwarded"},
        )
        return all(r["reply_text"] for r in forwarded)

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        # Published once: a step run again finds it there (changing it would need If-Match).
        published = await ctx.client.get(f"{API}/public/rounds/{rnd.id}/announcement")
        if published.status_code != 200:
            await _until_taken(
                ctx,
                lambda: ctx.call(
                    "PUT",
                    f"{API}/rounds/{rnd.id}/announcement",
                    token=ctx.office,
                    json=_announcement(ctx, plan),
                    ok=(200, 201, *_WAITING),
                ),
                what=f"findings to know round {plan.number}",
            )
        existing = {
            r["content"]: r
            for r in await ctx.all_items(
                f"{API}/public-reports", token=ctx.office, params={"round_id": rnd.id}
            )
        }
        ids = await ctx.org_ids()
        wanted = public_report_plan(ctx.county, plan)
        for index, item in enumerate(wanted):
            if item.content not in existing:
                await _receive(ctx, rnd, item, ids[item.org_code])
            ctx.report(0.5 * (index + 1) / len(wanted))
        existing = {
            r["content"]: r
            for r in await ctx.all_items(
                f"{API}/public-reports", token=ctx.office, params={"round_id": rnd.id}
            )
        }
        for index, item in enumerate(wanted):
            report = existing[item.content]
            if report["outcome"] is None:
                report = await _triage(ctx, plan, rnd, item, report)
            if report["outcome"] == "forwarded" and not report["reply_text"]:
                dept = report["forwarded_to_org_id"]
                await ctx.call(
                    "POST",
                    f"{API}/public-reports/{report['id']}/reply",
                    token=_org_token(ctx, Role.department, dept, "承办部门"),
                    json={"text": "经现场核查，已安排专人整改，并向反映人当面反馈办理结果。"},
                )
            ctx.report(0.5 + 0.5 * (index + 1) / len(wanted))

    return Step(
        f"round{plan.number}.public_reports",
        f"第{plan.number}轮：巡察公告、受理和分办信访举报",
        2,
        run,
        done,
    )


async def _receive(ctx: DemoContext, rnd: RoundView, item: PublicReportPlan, org_id: str) -> None:
    """A public report arrives: online on the public endpoint (rate-limited per address:
    when refused, the group enters it as received online), else entered by the group."""
    if item.public:

        async def submit() -> httpx.Response | None:
            response = await ctx.client.post(
                f"{API}/public/rounds/{rnd.id}/reports",
                json={"content": item.content, "org_id": org_id, "contact": "匿名"},
            )
            return None if response.status_code in (404, 409) else response

        response = await ctx.eventually(submit, what="the round to take public reports")
        if response.status_code == 201:
            return
        if response.status_code != 429:
            raise DemoError(f"public report refused: {response.status_code} {response.text[:400]}")
        ctx.notes.append("网上举报受限频保护（429），改由巡察组登记")
    group = rnd.assignments[item.org_code]["group_id"]
    await _until_taken(
        ctx,
        lambda: ctx.call(
            "POST",
            f"{API}/public-reports",
            token=rnd.member(ctx, group),
            json={
                "round_id": rnd.id,
                "channel": item.channel,
                "content": item.content,
                "org_id": org_id,
            },
            ok=(201, *_WAITING),
        ),
        what="findings to take public reports for the round",
    )


async def _triage(
    ctx: DemoContext,
    plan: RoundPlan,
    rnd: RoundView,
    item: PublicReportPlan,
    report: dict[str, Any],
) -> dict[str, Any]:
    assignment = rnd.assignments[item.org_code]
    body: dict[str, Any] = {"outcome": item.outcome}
    if item.outcome == "problem":
        body["problem"] = {
            "assignment_id": assignment["id"],
            "category": _TRIAGE_CATEGORY.get(item.channel, "benefit_policies"),
            "description": f"群众反映并经核实：{item.content}",
            "found_by": "petition",
            "immediate": True,
            "livelihood": True,
        }
    elif item.outcome == "forwarded":
        body |= {
            "forwarded_to_org_id": await ctx.org_id(_road_department(ctx, plan)),
            "reply_workdays": 10,
        }
    else:
        body["reason"] = "反映的宅基地纠纷不属于巡察受理范围，已告知反映人向乡镇人民政府申请调处。"
    response = await ctx.call(
        "POST",
        f"{API}/public-reports/{report['id']}/triage",
        token=rnd.member(ctx, assignment["group_id"]),
        json=body,
    )
    triaged: dict[str, Any] = response.json()
    return triaged


# -- reporting -------------------------------------------------------------------------------
def _comprehensive_township(county: DemoCounty, plan: RoundPlan) -> str | None:
    by_code = county.by_code()
    return next((c for c in plan.org_codes if by_code[c].kind == OrgKind.township), None)


def expected_reports(county: DemoCounty, plan: RoundPlan) -> int:
    return len(plan.org_codes) + (1 if _comprehensive_township(county, plan) else 0)


def _sections(plan: RoundPlan, name: str, comprehensive: bool) -> dict[str, str]:
    scope = f"{name}及所辖村（社区）" if comprehensive else name
    return {
        "overview": (
            f"根据县委统一部署，县委巡察组于{plan.on_site_from:%Y年%m月%d日}至"
            f"{plan.on_site_until:%Y年%m月%d日}对{scope}党组织开展了巡察。巡察组通过个别谈话、"
            "民主测评、问卷调查、查阅资料、走访群众等方式，全面了解领导班子和干部队伍情况。"
        ),
        "portrait": (
            "领导班子总体能够贯彻落实上级决策部署，但政治站位不够高，抓党建促发展的办法不多。"
        ),
        "main_problems": "",
        "typical_cases": "个别村集体资金支出未经民主程序，群众意见较大，已移交立行立改。",
        "causes": "一是主体责任压得不实；二是制度执行不严；三是监督管理存在薄弱环节。",
        "recommendations": (
            "一是提高政治站位，切实履行全面从严治党主体责任；二是规范“三资”管理和惠民政策落实；"
            "三是举一反三，建立健全长效机制。"
        ),
    }


def _returned_once(county: DemoCounty, plan: RoundPlan) -> str | None:
    """The org code whose report the discipline commission returns once."""
    codes = list(plan.org_codes)
    return (
        random.Random(f"demo-return-{county.seed}-{plan.number}").choice(codes) if codes else None
    )


def reports_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await _round_id(ctx, plan)
        if rid is None:
            return False
        approved = await _total(ctx, "/reports", round_id=rid, status="approved")
        return approved >= expected_reports(ctx.county, plan)

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        by_code = ctx.county.by_code()
        ids = await ctx.org_ids()
        returned_code = _returned_once(ctx.county, plan)
        town = _comprehensive_township(ctx.county, plan)
        existing = await ctx.all_items(
            f"{API}/reports", token=ctx.office, params={"round_id": rnd.id}
        )
        by_assignment = {r["assignment_id"]: r for r in existing if r["kind"] == "assignment"}
        comprehensive = {r["org_id"]: r for r in existing if r["kind"] == "comprehensive"}
        wanted: list[tuple[str, dict[str, Any], dict[str, Any] | None, bool]] = []
        for code in plan.org_codes:
            a = rnd.assignments[code]
            body = {
                "kind": "assignment",
                "assignment_id": a["id"],
                "title": f"关于对{a['org_name']}党组织巡察情况的报告",
                "sections": _sections(plan, a["org_name"], False),
            }
            wanted.append((code, body, by_assignment.get(a["id"]), code == returned_code))
        if town is not None:
            name = by_code[town].name
            body = {
                "kind": "comprehensive",
                "round_id": rnd.id,
                "township_org_id": ids[town],
                "title": f"关于对{name}及所辖村（社区）巡察情况的综合报告",
                "sections": _sections(plan, name, True),
            }
            wanted.append((town, body, comprehensive.get(ids[town]), False))
        limit = asyncio.Semaphore(3)
        count = 0

        async def one(
            code: str, body: dict[str, Any], report: dict[str, Any] | None, ret: bool
        ) -> None:
            nonlocal count
            group = rnd.assignments[code]["group_id"]
            writer = rnd.member(ctx, group, 1)
            async with limit:
                if report is None:
                    report = await _create_report(ctx, writer, body)
                await _through_review(ctx, report, writer, ret)
            count += 1
            ctx.report(count / len(wanted))

        await asyncio.gather(*(one(*w) for w in wanted))

    return Step(
        f"round{plan.number}.reports",
        f"第{plan.number}轮：巡察报告起草、纪委审核、书记专题会审定",
        max(2, len(plan.org_codes) // 6),
        run,
        done,
    )


async def _create_report(ctx: DemoContext, writer: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await ctx.call("POST", f"{API}/reports", token=writer, json=body, ok=(201, 409))
    if response.status_code == 409:
        problem = response.json()
        if problem.get("code") != "report-exists" or "report_id" not in problem:
            raise DemoError(f"report refused: {response.text[:400]}")
        response = await ctx.call("GET", f"{API}/reports/{problem['report_id']}", token=writer)
    created: dict[str, Any] = response.json()
    return created


async def _through_review(
    ctx: DemoContext, report: dict[str, Any], writer: str, return_once: bool
) -> None:
    """Move a report on until the leadership group has approved it."""
    path = f"{API}/reports/{report['id']}"
    for _ in range(8):
        status = report["status"]
        if status == "approved":
            return
        if status == "draft":
            response = await ctx.call("POST", f"{path}/submit", token=writer)
        elif status == "submitted":
            if return_once and not report["review_comments"]:
                body = {
                    "decision": "return",
                    "comments": (
                        "问题定性不够准确，典型案例不够具体，请补充问题成因分析后重新报送。"
                    ),
                }
            else:  # (the findings API keeps only the last review's comments)
                again = "已按意见修改，" if return_once else ""
                body = {"decision": "pass", "comments": f"{again}同意报送书记专题会审定。"}
            response = await ctx.call("POST", f"{path}/review", token=_discipline(ctx), json=body)
        elif status == "returned":
            sections = {
                **report["sections"],
                "causes": report["sections"]["causes"]
                + "四是村级财务监督机制不健全，村务监督委员会作用发挥不充分。",
            }
            await ctx.call(
                "PATCH",
                path,
                token=writer,
                json={"sections": sections},
                headers={"If-Match": f'"{report["version"]}"'},
            )
            response = await ctx.call("POST", f"{path}/submit", token=writer)
        elif status == "passed":
            response = await ctx.call("POST", f"{path}/approve", token=ctx.leadership)
        else:
            raise DemoError(f"report {report['id']} is {status}")
        report = response.json()
    raise DemoError(f"report {report['id']} did not get approved")


# -- feedback --------------------------------------------------------------------------------
def feedback_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await _round_id(ctx, plan)
        if rid is None:
            return False
        if not await _total(ctx, "/problems", round_id=rid):
            return False
        return not await _total(ctx, "/problems", round_id=rid, fed_back="false")

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        copies = [await ctx.org_id(code) for code in _copied_codes(ctx.county)]
        for count, code in enumerate(plan.org_codes, start=1):
            a = rnd.assignments[code]
            path = f"{API}/assignments/{a['id']}/feedback"
            got = await ctx.call("GET", path, token=ctx.office, ok=(200, 404))
            if got.status_code == 404:
                response = await ctx.call(
                    "POST",
                    path,
                    token=ctx.office,
                    json={"copied_to_org_ids": copies},
                    ok=(201, 409),
                )
                if response.status_code == 409 and response.json().get("code") != "feedback-issued":
                    raise DemoError(f"feedback refused: {response.text[:400]}")
            ctx.report(count / len(plan.org_codes))

    return Step(
        f"round{plan.number}.findings_feedback",
        f"第{plan.number}轮：向被巡察党组织反馈（抄送纪委监委、组织部）",
        max(1, len(plan.org_codes) // 12),
        run,
        done,
    )


# -- letters ---------------------------------------------------------------------------------
async def _letters(ctx: DemoContext, kind: str) -> list[dict[str, Any]]:
    # The letter list has no round filter: the demo's letters are few, so read them all.
    return await ctx.all_items(f"{API}/letters", token=ctx.office, params={"kind": kind})


def letters_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await _round_id(ctx, plan)
        if rid is None:
            return False
        recommended = any(x["round_id"] == rid for x in await _letters(ctx, "recommendation"))
        reminded = [x for x in await _letters(ctx, "reminder") if x["round_id"] == rid]
        return recommended and bool(reminded) and all(x["reply_text"] for x in reminded)

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        if not any(x["round_id"] == rnd.id for x in await _letters(ctx, "recommendation")):
            await _recommend(ctx, plan, rnd)
        reminders = [x for x in await _letters(ctx, "reminder") if x["round_id"] == rnd.id]
        if not reminders:
            reminders = [await _remind(ctx, plan, rnd)]
        for letter in reminders:
            if not letter["reply_text"]:
                token = _org_token(ctx, Role.inspected, letter["addressee_org_id"], "乡镇党委")
                await ctx.call(
                    "POST",
                    f"{API}/letters/{letter['id']}/reply",
                    token=token,
                    json={
                        "text": (
                            "收到提醒函后，党委班子专题研究，逐条制定整改措施，"
                            "已责成相关村限期整改到位，并建立村级财务月审制度。"
                        )
                    },
                )

    return Step(
        f"round{plan.number}.letters",
        f"第{plan.number}轮：共性问题巡察建议书、提醒函",
        1,
        run,
        done,
    )


async def _recommend(ctx: DemoContext, plan: RoundPlan, rnd: RoundView) -> None:
    """The largest common problem of the round goes to the competent department (行业主管
    部门) as a recommendation letter, copied to the county leader in charge."""
    common = (
        await ctx.call(
            "GET", f"{API}/common-problems", token=ctx.office, params={"round_id": rnd.id}
        )
    ).json()
    groups = sorted(common["items"], key=lambda g: (-g["org_count"], -g["problem_count"], g["key"]))
    if groups:
        chosen = groups[0]
        category, problem_ids = chosen["category"], chosen["problem_ids"][:500]
        summary = chosen["summary"]
    else:  # no common problem: the round's problems of its most frequent category
        items = await ctx.all_items(
            f"{API}/problems", token=ctx.office, params={"round_id": rnd.id}
        )
        if not items:
            raise DemoError(f"round {plan.number} has no problems to write about")
        counts: dict[str, int] = {}
        for p in items:
            counts[p["category"]] = counts.get(p["category"], 0) + 1
        category = max(counts, key=lambda c: (counts[c], c))
        problem_ids = [p["id"] for p in items if p["category"] == category][:500]
        summary = next(p["description"] for p in items if p["category"] == category)
    names = {o.name: o.code for o in ctx.county.orgs if o.kind == OrgKind.department}
    addressee = next(
        (names[n] for n in (*_COMPETENT.get(category, ()), *_FALLBACK_COMPETENT) if n in names),
        None,
    )
    if addressee is None:
        raise DemoError("no competent department for the recommendation letter")
    account, name = LEADER
    await ctx.call(
        "POST",
        f"{API}/letters",
        token=ctx.office,
        json={
            "kind": "recommendation",
            "addressee_org_id": await ctx.org_id(addressee),
            "problem_ids": problem_ids,
            "body": [
                f"县委第{plan.number}轮巡察发现，“{summary}”等问题在多个被巡察单位普遍存在，"
                "反映出行业监管存在薄弱环节。现将有关情况反馈你单位，请认真研究，举一反三，"
                "推动建章立制。"
            ],
            "recommendations": [
                "开展专项排查，全面摸清底数",
                "完善制度规定，规范工作流程",
                "加强业务指导和监督检查，防止问题反弹",
            ],
            "copy_to": [{"account": account, "name": name}],
            "reply_required": True,
            "reply_workdays": 20,
        },
        headers={"Idempotency-Key": f"demo-letter-recommendation-{rnd.id}"},
    )


async def _remind(ctx: DemoContext, plan: RoundPlan, rnd: RoundView) -> dict[str, Any]:
    """A reminder letter (提醒函) to the party committee of a township about its villages'
    problems not rectified on the spot (a department's own, when the round has no
    villages)."""
    by_code = ctx.county.by_code()
    villages = _villages(ctx.county, plan)
    town = next((by_code[c].parent_code for c in villages if by_code[c].parent_code), None)
    codes = [c for c in villages if by_code[c].parent_code == town] if town else []
    if not codes:
        town, codes = plan.org_codes[0], [plan.org_codes[0]]
    assert town is not None
    picked: list[str] = []
    for code in codes:
        items = await ctx.all_items(
            f"{API}/problems",
            token=ctx.office,
            params={"assignment_id": rnd.assignments[code]["id"], "immediate": "false"},
        )
        picked += [p["id"] for p in items]
    if not picked:
        items = await ctx.all_items(
            f"{API}/problems",
            token=ctx.office,
            params={"assignment_id": rnd.assignments[codes[0]]["id"]},
        )
        picked = [p["id"] for p in items[:3]]
    response = await ctx.call(
        "POST",
        f"{API}/letters",
        token=ctx.office,
        json={
            "kind": "reminder",
            "addressee_org_id": await ctx.org_id(town),
            "problem_ids": picked[:20],
            "body": [
                f"县委第{plan.number}轮巡察中，发现你单位所辖村（社区）存在以下问题，至今尚未整改到位。"
                "请你单位切实履行管党治党主体责任，督促立即整改，并于期限内书面回复整改情况。"
            ],
            "reply_required": True,
        },
        headers={"Idempotency-Key": f"demo-letter-reminder-{rnd.id}"},
    )
    letter: dict[str, Any] = response.json()
    return letter


# -- hooks -----------------------------------------------------------------------------------
FINDINGS_HOOKS: dict[RoundStatus, list[Callable[[RoundPlan], Step]]] = {
    RoundStatus.on_site: [problems_step, public_reports_step],
    RoundStatus.reporting: [reports_step],
    RoundStatus.feedback: [feedback_step, letters_step],
}
"""Findings' steps per stage (registered into ``ROUND_HOOKS``). The round on site now only
reaches ``on_site``, so it gets problems and public reports only."""


def register(hooks: dict[RoundStatus, list[Callable[[RoundPlan], Step]]]) -> None:
    """Add findings' steps to ``hooks`` (``ROUND_HOOKS``), once."""
    for status, makers in FINDINGS_HOOKS.items():
        hooks[status] += [m for m in makers if m not in hooks[status]]

"""On site: the round's announcement (巡察公告) and the public reports (来信来电来访) the
groups receive and triage to a problem, a forward to a department, or a closure."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import httpx
from planning.domain import OrgKind
from xuncha_shared.auth import Role
from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import GRASSROOTS, DemoCounty, RoundPlan
from xuncha.demo.findings.common import (
    API,
    WAITING,
    RoundView,
    org_token,
    round_id,
    round_view,
    total,
    until_taken,
)

__all__ = ["PublicReportPlan", "public_report_plan", "public_reports_step", "village_codes"]


@dataclass(frozen=True)
class PublicReportPlan:
    """One public report of a round and what the group does with it."""

    channel: str
    org_code: str
    content: str
    outcome: str
    public: bool = False
    """Sent by a member of the public on the public endpoint (else entered by the group)."""
    finding: str = ""
    """The problem as the group words it after checking (outcome problem): never the
    report's text, which would reach the inspected org."""


def village_codes(county: DemoCounty, plan: RoundPlan) -> list[str]:
    by_code = county.by_code()
    return [c for c in plan.org_codes if by_code[c].kind in GRASSROOTS]


def public_report_plan(county: DemoCounty, plan: RoundPlan) -> list[PublicReportPlan]:
    """A few reports per round: a letter about 低保 (→ problem), a call about a road
    (→ forwarded), a visit outside the round's remit (→ no action); the round on site now
    also gets two online reports on the public endpoint."""
    rng = random.Random(f"demo-public-{county.seed}-{plan.number}")
    by_code = county.by_code()
    villages = village_codes(county, plan) or list(plan.org_codes)
    picks = [rng.choice(villages) for _ in range(5)]
    name = [by_code[c].name for c in picks]
    out = [
        PublicReportPlan(
            "letter",
            picks[0],
            f"反映{name[0]}低保评定不公，村干部亲属多人享受低保，真正困难的群众却评不上。",
            "problem",
            finding=f"经入户核查，{name[0]}低保评审未经民主评议和公示，部分不符合条件的家庭仍享受低保。",
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
                finding=f"经查阅账目，{name[3]}集体坑塘承包费未入村集体账，村务公开栏未公示。",
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


def _by_content(
    reports: list[dict[str, Any]], wanted: list[PublicReportPlan]
) -> dict[str, dict[str, Any]]:
    """The round's reports by their text. A report's text is erased once a clue is proposed
    from it, and the demo proposes one from the round's letter only: an erased report is
    that letter."""
    out = {r["content"]: r for r in reports if r["content"] is not None}
    erased = [r for r in reports if r["content"] is None]
    letter = next((i.content for i in wanted if i.channel == "letter"), None)
    if erased and letter is not None and letter not in out:
        out[letter] = erased[0]
    return out


def public_reports_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await round_id(ctx, plan)
        if rid is None:
            return False
        got = await ctx.client.get(f"{API}/public/rounds/{rid}/announcement")
        if got.status_code != 200:
            return False
        wanted = len(public_report_plan(ctx.county, plan))
        if await total(ctx, "/public-reports", round_id=rid) < wanted:
            return False
        if await total(ctx, "/public-reports", round_id=rid, status="received"):
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
            await until_taken(
                ctx,
                lambda: ctx.call(
                    "PUT",
                    f"{API}/rounds/{rnd.id}/announcement",
                    token=ctx.office,
                    json=_announcement(ctx, plan),
                    ok=(200, 201, *WAITING),
                ),
                what=f"findings to know round {plan.number}",
            )
        wanted = public_report_plan(ctx.county, plan)
        existing = _by_content(
            await ctx.all_items(
                f"{API}/public-reports", token=ctx.office, params={"round_id": rnd.id}
            ),
            wanted,
        )
        ids = await ctx.org_ids()
        for index, item in enumerate(wanted):
            if item.content not in existing:
                await _receive(ctx, rnd, item, ids[item.org_code])
            ctx.report(0.5 * (index + 1) / len(wanted))
        existing = _by_content(
            await ctx.all_items(
                f"{API}/public-reports", token=ctx.office, params={"round_id": rnd.id}
            ),
            wanted,
        )
        for index, item in enumerate(wanted):
            report = existing[item.content]
            if report["outcome"] is None:
                report = await _triage(ctx, plan, rnd, item, report)
            if report["outcome"] == "forwarded" and not report["reply_text"]:
                dept = report["forwarded_to_org_id"]
                await ctx.call(
                    "POST",
                    f"{API}/public-reports/{report['id']}/reply",
                    token=org_token(ctx, Role.department, dept, "承办部门"),
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
    await until_taken(
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
            ok=(201, *WAITING),
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
            "description": item.finding,
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

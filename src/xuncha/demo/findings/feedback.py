"""Feedback per assignment, copied to 纪委监委 and 组织部; then a recommendation letter
(巡察建议书) on the round's largest common problem and a reminder letter (提醒函) with its reply."""

from __future__ import annotations

from typing import Any

from planning.domain import OrgKind
from xuncha_shared.auth import Role

from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import RoundPlan
from xuncha.demo.findings.common import API, RoundView, org_token, round_id, round_view, total
from xuncha.demo.findings.public_reports import village_codes
from xuncha.demo.findings.settings import copied_codes

__all__ = ["LEADER", "feedback_step", "letters_step"]

LEADER = ("demo.leader", "县委副书记 李卫东同志")
"""The county leader in charge (分管县级领导) the recommendation letters are copied to."""
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


def feedback_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await round_id(ctx, plan)
        if rid is None:
            return False
        if not await total(ctx, "/problems", round_id=rid):
            return False
        return not await total(ctx, "/problems", round_id=rid, fed_back="false")

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        copies = [await ctx.org_id(code) for code in copied_codes(ctx.county)]
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
        rid = await round_id(ctx, plan)
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
                token = org_token(ctx, Role.inspected, letter["addressee_org_id"], "乡镇党委")
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
    villages = village_codes(ctx.county, plan)
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

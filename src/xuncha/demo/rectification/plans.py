"""The ``feedback`` step: the org fills in every task of its plan (measures, the person
responsible, the county leader who owns it, long-term tasks with their own deadline) and
submits the plan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from xuncha.demo.context import DemoContext, Step
from xuncha.demo.county import RoundPlan
from xuncha.demo.rectification.common import (
    API,
    etag,
    gather,
    inspected,
    plan_tasks,
    responsible,
    round_id,
    round_plans,
    total,
)
from xuncha.demo.rectification.plan import LEADERS, sector

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


def plans_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await round_id(ctx, plan)
        if rid is None:
            return False
        submitted = await total(ctx, "/plans", round_id=rid, status="submitted")
        return submitted >= len(plan.org_codes)

    async def run(ctx: DemoContext) -> None:
        rid = await round_id(ctx, plan)
        assert rid is not None
        plans = await round_plans(ctx, plan, rid)
        by_code = ctx.county.by_code()

        async def one(code: str) -> None:
            p = plans[code]
            if p["status"] == "submitted":
                return
            org_token = inspected(ctx, p["org_id"])
            account, leader = LEADERS[sector(by_code[code].kind)]
            fills = []
            for task in await plan_tasks(ctx, p["id"]):
                if task["status"] != "open" or (task["measures"] and task["owner_account"]):
                    continue
                fill: dict[str, Any] = {
                    "task_id": task["id"],
                    "version": task["version"],
                    "measures": _MEASURES.get(task["category"], "制定整改措施，明确时限，逐项销号"),
                    "responsible_person": responsible(ctx.county, code),
                    "owner_account": account,
                    "owner_name": leader,
                }
                if task["category"] == "party_leadership" and not task["immediate"]:
                    # 长期坚持: a standing task with a deadline a year out.
                    fill |= {
                        "kind": "long",
                        "due_on": (ctx.today + timedelta(days=365)).isoformat(),
                    }
                fills.append(fill)
            if fills:  # the whole plan in one request (批量填写)
                await ctx.call(
                    "PATCH", f"{API}/plans/{p['id']}/tasks", token=org_token, json={"tasks": fills}
                )
            # Filling in tasks leaves the plan's version as it was listed.
            await ctx.call(
                "POST", f"{API}/plans/{p['id']}/submit", token=org_token, headers=etag(p)
            )

        await gather(ctx, list(plan.org_codes), one)

    return Step(
        f"round{plan.number}.rectification_plans",
        f"第{plan.number}轮：被巡察党组织认领问题、报送整改方案",
        max(2, len(plan.org_codes) // 4),
        run,
        done,
    )

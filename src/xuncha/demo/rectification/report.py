"""The ``closed`` step: the rectification report with the truthfulness commitment, disclosed
inside the party and to the public, and the office's rating of every org of the round."""

from __future__ import annotations

from xuncha.demo.context import DemoContext, Step
from xuncha.demo.county import RoundPlan
from xuncha.demo.rectification.common import API, gather, inspected, round_id, round_plans, total


def report_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await round_id(ctx, plan)
        if rid is None:
            return False
        return await total(ctx, "/ratings", round_id=rid) >= len(plan.org_codes)

    async def run(ctx: DemoContext) -> None:
        rid = await round_id(ctx, plan)
        assert rid is not None
        plans = await round_plans(ctx, plan, rid)

        async def one(code: str) -> None:
            p = plans[code]
            org_token = inspected(ctx, p["org_id"])
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

        await gather(ctx, list(plan.org_codes), one)
        await ctx.call("POST", f"{API}/rounds/{rid}/ratings", token=ctx.office)

    return Step(
        f"round{plan.number}.rectification_report",
        f"第{plan.number}轮：整改报告（真实性承诺）、整改公开、整改成效评定",
        max(1, len(plan.org_codes) // 6),
        run,
        done,
    )

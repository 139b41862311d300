"""On site: each group's members record what they find on their assignments."""

from __future__ import annotations

import asyncio

from xuncha.demo.context import DemoContext, Step
from xuncha.demo.county import DemoCounty, RoundPlan
from xuncha.demo.findings.common import API, WAITING, round_id, round_view, total, until_taken
from xuncha.demo.problem_texts import plan_problems

__all__ = ["expected_problems", "problems_step"]


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
        rid = await round_id(ctx, plan)
        if rid is None:
            return False
        return await total(ctx, "/problems", round_id=rid) >= expected_problems(ctx.county, plan)

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
                have = await total(ctx, "/problems", assignment_id=assignment["id"])
                if have == 0:
                    await until_taken(
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
                            ok=(201, *WAITING),
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

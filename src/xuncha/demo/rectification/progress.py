"""The ``rectifying`` step: the org reports progress with evidence and claims tasks done; the
discipline commission (the organization department for party building and cadre selection)
accepts or rejects them; institutions built (建章立制); and the organization department's
promotion check on the leader who owns a red-carded org's tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import GRASSROOTS, DemoCounty, RoundPlan
from xuncha.demo.rectification.common import (
    API,
    etag,
    gather,
    in_order_at_most,
    inspected,
    organization,
    plan_tasks,
    round_id,
    round_plans,
    supervisor_of,
    total,
)
from xuncha.demo.rectification.plan import (
    ACCEPTED,
    CLAIMED,
    LEADERS,
    OPEN,
    RED,
    REJECTED_ONCE,
    finished_orgs,
    institution_count,
    red_org,
    sector,
    task_counts,
    task_outcomes,
)

TASKS_AT_ONCE = 4
"""An org's tasks reported and claimed at once (the orgs themselves go three at a time)."""

_INSTITUTIONS = {
    "grassroots": ("村级财务公开制度", "村集体“三资”管理办法", "低保评议公示制度"),
    "township": ("村级工程项目管理办法", "乡镇干部考勤管理办法", "农村集体资金审批管理规定"),
    "department": ("机关公务接待管理办法", "专项资金管理办法", "干部选拔任用工作规程"),
}


def _expected(county: DemoCounty, plan: RoundPlan) -> tuple[int, int, int]:
    """(accepted, claimed, rejections) the round's tasks end with."""
    counts = task_counts(county, plan)
    outcomes = [o for c in plan.org_codes for o in task_outcomes(county, plan, c, counts[c])]
    accepted = sum(o in (ACCEPTED, REJECTED_ONCE) for o in outcomes)
    rejections = sum(o == REJECTED_ONCE for o in outcomes) + 2 * outcomes.count(RED)
    return accepted, outcomes.count(CLAIMED), rejections


def progress_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rid = await round_id(ctx, plan)
        if rid is None:
            return False
        accepted, claimed, _ = _expected(ctx.county, plan)
        if await total(ctx, "/tasks", round_id=rid, status="accepted") < accepted:
            return False
        if await total(ctx, "/tasks", round_id=rid, status="claimed") < claimed:
            return False
        wanted = sum(institution_count(ctx.county, plan, c) for c in plan.org_codes)
        built = await ctx.call(
            "GET", f"{API}/institutions", token=ctx.office, params={"round_id": rid}
        )
        if len(built.json()) < wanted:
            return False
        if plan.target != RoundStatus.rectifying.value:
            return True
        return await total(ctx, "/ratings", round_id=rid) >= len(finished_orgs(ctx.county, plan))

    async def run(ctx: DemoContext) -> None:
        rid = await round_id(ctx, plan)
        assert rid is not None
        plans = await round_plans(ctx, plan, rid)
        built = await ctx.call(
            "GET", f"{API}/institutions", token=ctx.office, params={"round_id": rid}
        )
        have: dict[str, int] = {}
        for row in built.json():
            have[row["org_id"]] = have.get(row["org_id"], 0) + 1

        async def one(code: str) -> None:
            p = plans[code]
            org_token = inspected(ctx, p["org_id"])
            tasks = await plan_tasks(ctx, p["id"])
            outcomes = task_outcomes(ctx.county, plan, code, len(tasks))
            # Open tasks first: an org half done when a run stopped is not counted done (its
            # claims are accepted only once every task has moved on).
            planned = sorted(zip(tasks, outcomes, strict=True), key=lambda x: x[1] != OPEN)
            moved = await in_order_at_most(
                TASKS_AT_ONCE, planned, lambda x: _rectify(ctx, x[0], x[1], org_token)
            )
            await _accept(ctx, [claimed for claimed in moved if claimed is not None])
            await _institutions(ctx, plan, code, p, tasks, have.get(p["org_id"], 0), org_token)

        await gather(ctx, list(plan.org_codes), one)
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


async def _rectify(
    ctx: DemoContext, task: dict[str, Any], outcome: str, org_token: str
) -> dict[str, Any] | None:
    """Move one task on, from wherever it stands, to its planned outcome; the task when all
    that is left is its acceptance (the supervisors accept an org's claims at once)."""
    url = f"{API}/tasks/{task['id']}"
    wanted_rejections = {REJECTED_ONCE: 1, RED: 2}.get(outcome, 0)
    for _ in range(8):
        status, rejections = task["status"], task["rejections"]
        if status == "accepted" or (outcome == CLAIMED and status == "claimed"):
            return None
        if outcome == RED and status == "open" and rejections >= 2:
            return None
        if status == "claimed":
            if rejections >= wanted_rejections:
                return task
            response = await ctx.call(
                "POST",
                f"{url}/reject",
                token=await supervisor_of(ctx, task["category"]),
                json={"reasons": "整改佐证材料不足，群众满意度未核实，请补充后重新申请销号。"},
                headers=etag(task),
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
            return None
        task = await _claim(ctx, task, n, org_token)
    raise DemoError(f"task {task['id']} did not reach {outcome}")


async def _accept(ctx: DemoContext, ready: list[dict[str, Any]]) -> None:
    """Each supervisor accepts the org's claims it oversees in one request (批量验收)."""
    by_supervisor: dict[str, list[dict[str, Any]]] = {}
    for task in ready:
        by_supervisor.setdefault(await supervisor_of(ctx, task["category"]), []).append(task)
    for supervisor, tasks in by_supervisor.items():
        await ctx.call(
            "POST",
            f"{API}/acceptances",
            token=supervisor,
            json={
                "tasks": [{"task_id": t["id"], "version": t["version"]} for t in tasks],
                "comment": "经现场核查，整改措施落实到位，同意销号。",
            },
        )


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
        headers=etag(task),
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
    names = _INSTITUTIONS[sector(org.kind)]
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


async def _promotion_check(ctx: DemoContext, plan: RoundPlan) -> None:
    """组织部 asks, before a cadre decision, whether the rectification owned by the leader of
    the red-carded org's tasks is overdue (it is late in quality, not yet in time)."""
    code = red_org(ctx.county, plan)
    if code is None:
        return
    account, name = LEADERS[sector(ctx.county.by_code()[code].kind)]
    check = (
        await ctx.call(
            "GET",
            f"{API}/promotion-check",
            token=await organization(ctx),
            params={"account": account},
        )
    ).json()
    verdict = (
        f"有{len(check['tasks'])}项逾期整改，暂停" if check["blocking"] else "无逾期整改，不影响"
    )
    ctx.notes.append(f"干部任用必审：领办领导{name}{verdict}提拔使用")

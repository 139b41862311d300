"""What the rectification steps share: the service's address, the accounts that act,
the responsible person of a task, and reading the round's plans and tasks."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from planning.domain import OrgKind
from xuncha_shared.auth import Role

from xuncha.demo.context import DemoContext
from xuncha.demo.county import DemoCounty, RoundPlan
from xuncha.demo.rectification.plan import task_counts

API = "/api/rectification"
T = TypeVar("T")
R = TypeVar("R")
_RESPONSIBLE = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
_GIVEN = ("明", "强", "伟", "芳", "军", "红", "勇", "静", "磊", "洋", "艳", "刚", "平", "辉")
_POST = {
    OrgKind.village: "村党支部书记",
    OrgKind.community: "社区党总支书记",
    OrgKind.township: "党委副书记",
}


def inspected(ctx: DemoContext, org_id: str) -> str:
    """The token of the inspected org's party organization."""
    return ctx.token(
        Role.inspected, org_id=org_id, subject=f"org-{org_id[:8]}", name="被巡察党组织"
    )


async def supervisor_of(ctx: DemoContext, category: str) -> str:
    """Organization accepts party building and cadre selection, discipline the rest."""
    codes = {role: code for code, role in ctx.county.consulted}
    if category in ("party_building", "cadre_selection") and "organization" in codes:
        return await organization(ctx)
    org = await ctx.org_id(codes["discipline"])
    return ctx.token(Role.discipline, org_id=org, subject="demo.jw", name="县纪委监委 王红梅")


async def organization(ctx: DemoContext) -> str:
    """The token of the county organization department."""
    code = next(code for code, role in ctx.county.consulted if role == "organization")
    org = await ctx.org_id(code)
    return ctx.token(Role.organization, org_id=org, subject="demo.zzb", name="县委组织部 陈立新")


def responsible(county: DemoCounty, code: str) -> str:
    """The person responsible for an org's tasks: post and name, the same on every run."""
    rng = random.Random(f"demo-responsible-{county.seed}-{code}")
    kind = county.by_code()[code].kind
    name = rng.choice(_RESPONSIBLE) + "".join(rng.choices(_GIVEN, k=rng.randint(1, 2)))
    return f"{_POST.get(kind, '党组成员、副局长')} {name}"


async def total(ctx: DemoContext, path: str, **params: Any) -> int:
    """How many items a filtered list of the rectification API holds."""
    page = await ctx.call("GET", API + path, token=ctx.office, params={**params, "limit": 1})
    return int(page.json()["total"])


async def round_id(ctx: DemoContext, plan: RoundPlan) -> str | None:
    """The round's id in planning, or None while planning does not know it yet."""
    rnd = (await ctx.rounds()).get(plan.number)
    return None if rnd is None else str(rnd["id"])


async def round_plans(
    ctx: DemoContext, plan: RoundPlan, round_id: str
) -> dict[str, dict[str, Any]]:
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


async def plan_tasks(ctx: DemoContext, plan_id: str) -> list[dict[str, Any]]:
    """A plan's tasks in the order the outcomes are planned in."""
    tasks = await ctx.all_items(f"{API}/tasks", token=ctx.office, params={"plan_id": plan_id})
    return sorted(tasks, key=lambda t: (t["description"], t["problem_id"]))


def etag(thing: dict[str, Any]) -> dict[str, str]:
    """The If-Match header for an item read at its current version."""
    return {"If-Match": f'"{thing["version"]}"'}


async def in_order_at_most(limit: int, items: list[T], one: Callable[[T], Awaitable[R]]) -> list[R]:
    """``one(item)`` for every item, at most ``limit`` at once (started in the items' order),
    the results in the items' order: an org's tasks move on independently of each other,
    as its staff would send them from several desks."""
    gate = asyncio.Semaphore(limit)

    async def guarded(item: T) -> R:
        async with gate:
            return await one(item)

    return list(await asyncio.gather(*(guarded(item) for item in items)))


async def gather(ctx: DemoContext, codes: list[str], one: Callable[[str], Any]) -> None:
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

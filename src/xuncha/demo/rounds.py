"""The term's rounds, replayed: schedule them, form groups from the pool, assign orgs
(avoidance screened by the platform; a refusal is handled with a suggested replacement),
ask the departments before the round and let their systems answer, then move each round
through its stages.

Later services hook their own steps onto a stage: ``ROUND_HOOKS[stage]`` holds factories
``(RoundPlan) -> Step`` that run right after a round reaches that stage (problems while
``on_site``, the report while ``reporting``, feedback and clues at ``feedback``, plans and
acceptance while ``rectifying``). ``round_steps`` puts them in place.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.consultation import consultation_step
from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import GRASSROOTS, RoundPlan

__all__ = ["ROUND_HOOKS", "RoundHook", "round_steps", "schedule_rounds_step"]

RoundHook = Callable[[RoundPlan], Step]
ROUND_HOOKS: dict[RoundStatus, list[RoundHook]] = {status: [] for status in RoundStatus}
"""Steps other services add after a round reaches a stage (see the module docstring)."""

ORDER = list(RoundStatus)
APPROACH = {"key": "direct", "general": "extended", "advanced": "research"}
STAGE_ZH = {
    RoundStatus.mobilized: "动员部署",
    RoundStatus.on_site: "进驻巡察",
    RoundStatus.reporting: "巡察报告",
    RoundStatus.feedback: "巡察反馈",
    RoundStatus.rectifying: "转入整改",
    RoundStatus.closed: "结束",
}


# -- scheduling ------------------------------------------------------------------------------
async def _rounds_done(ctx: DemoContext) -> bool:
    rounds = await ctx.rounds()
    return all(plan.number in rounds for plan in ctx.county.rounds)


async def schedule_rounds(ctx: DemoContext) -> None:
    """The office schedules the term's rounds (four past, one on site now)."""
    term_id = await ctx.term_id()
    rounds = await ctx.rounds()
    for plan in ctx.county.rounds:
        if plan.number in rounds:
            continue
        await ctx.call(
            "POST",
            f"/terms/{term_id}/rounds",
            token=ctx.office,
            json=plan.body(),
            headers={"Idempotency-Key": f"demo-round-{term_id}-{plan.number}"},
        )
        ctx.forget_rounds()


def schedule_rounds_step() -> Step:
    return Step("rounds", "安排巡察轮次", 2, schedule_rounds, _rounds_done)


# -- groups and assignments ------------------------------------------------------------------
def _touched(ctx: DemoContext, codes: list[str], ids: dict[str, str]) -> tuple[set[str], set[str]]:
    """Org ids a member must have no tie with (the orgs, their parents and children), and
    the townships a member must not come from, for a group inspecting ``codes``."""
    by_code = ctx.county.by_code()
    orgs: set[str] = set()
    towns: set[str] = set()
    for code in codes:
        org = by_code[code]
        orgs.add(ids[code])
        if org.parent_code:
            orgs.add(ids[org.parent_code])
        if org.kind in GRASSROOTS and org.parent_code:
            towns.add(ids[org.parent_code])
        elif org.kind.value == "township":
            towns.add(ids[code])
    for org in ctx.county.orgs:
        if org.parent_code and ids[org.parent_code] in orgs and org.kind not in GRASSROOTS:
            orgs.add(ids[org.code])
    return orgs, towns


def _clear(cadre: dict[str, Any], orgs: set[str], towns: set[str]) -> bool:
    ties = {cadre["unit_org_id"], *(p["org_id"] for p in cadre["posts"])}
    ties |= {r["org_id"] for r in cadre["relatives"]}
    return not (ties & orgs) and cadre["home_township_id"] not in towns


def _decoy(
    ctx: DemoContext, plan: RoundPlan, codes: list[str], ids: dict[str, str], free: list[Any]
) -> dict[str, Any] | None:
    """In the first round's first group, a member who works in (or comes from) one of the
    group's orgs: the office overlooks it, the platform's avoidance check does not."""
    if plan.number != 1 or codes != next(iter(plan.groups.values())):
        return None
    targets = {ids[c] for c in codes}
    return next(
        (c for c in free if c["unit_org_id"] in targets or c["home_township_id"] in targets),
        None,
    )


async def _form_group(
    ctx: DemoContext, plan: RoundPlan, round_id: str, name: str, codes: list[str], taken: set[str]
) -> dict[str, Any]:
    ids = await ctx.org_ids()
    orgs, towns = _touched(ctx, codes, ids)
    rng = random.Random(f"demo-group-{ctx.county.seed}-{plan.number}-{name}")
    free = [c for c in await ctx.cadres() if c["available"] and c["id"] not in taken]
    rng.shuffle(free)
    clear = [c for c in free if _clear(c, orgs, towns)]
    # A discipline specialist leads when there is one.
    clear.sort(key=lambda c: "discipline" not in c["specialties"])
    size = ctx.county.size.members_per_group
    if len(clear) < size:
        raise DemoError(f"not enough cadres free of ties for {name} of round {plan.number}")
    chosen = clear[:size]
    decoy = _decoy(ctx, plan, codes, ids, [c for c in free if c not in chosen])
    if decoy is not None:
        chosen[-1] = decoy
    members = [
        {"cadre_id": c["id"], "role": "leader" if i == 0 else ("deputy" if i == 1 else "member")}
        for i, c in enumerate(chosen)
    ]
    response = await ctx.call(
        "POST",
        f"/rounds/{round_id}/groups",
        token=ctx.office,
        json={"name": name, "members": members},
        headers={"Idempotency-Key": f"demo-group-{round_id}-{name.encode().hex()}"},
    )
    group: dict[str, Any] = response.json()
    return group


async def _assign(
    ctx: DemoContext, round_id: str, group: dict[str, Any], org_id: str, approach: str | None
) -> None:
    """Assign one org; an avoidance refusal swaps the member for the first suggested
    replacement and tries again, as the office would."""
    body: dict[str, Any] = {"group_id": group["id"], "org_id": org_id}
    if approach:
        body["approach"] = approach
    for _ in range(4):
        response = await ctx.call(
            "POST", f"/rounds/{round_id}/assignments", token=ctx.office, json=body, ok=(201, 422)
        )
        if response.status_code == 201:
            return
        problem = response.json()
        if not problem.get("type", "").endswith("/avoidance-conflict"):
            raise DemoError(f"assignment refused: {response.text[:800]}")
        for swap in problem["replacements"]:
            if not swap["candidates"]:
                raise DemoError(f"no replacement for {swap['for_cadre_name']}")
            candidate = swap["candidates"][0]
            await ctx.call(
                "DELETE",
                f"/groups/{group['id']}/members/{swap['for_cadre_id']}",
                token=ctx.office,
                ok=(200, 204),
            )
            await ctx.call(
                "POST",
                f"/groups/{group['id']}/members",
                token=ctx.office,
                json={"cadre_id": candidate["cadre_id"], "role": "member"},
            )
            ctx.notes.append(
                f"回避审查：{problem.get('message_zh', '')}；已由{candidate['name']}"
                f"替换{swap['for_cadre_name']}"
            )
    raise DemoError(f"assignment of {org_id} kept being refused")


async def _village_approaches(ctx: DemoContext) -> dict[str, str]:
    term_id = await ctx.term_id()
    rows = await ctx.all_items(
        "/village-classifications", token=ctx.office, params={"term_id": term_id}
    )
    return {r["village_id"]: APPROACH[r["village_class"]] for r in rows if r["village_class"]}


async def _assigned(ctx: DemoContext, round_id: str) -> set[str]:
    items = await ctx.all_items(f"/rounds/{round_id}/assignments", token=ctx.office)
    return {a["org_id"] for a in items}


def groups_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rnd = (await ctx.rounds()).get(plan.number)
        if rnd is None:
            return False
        ids = await ctx.org_ids()
        return {ids[c] for c in plan.org_codes} <= await _assigned(ctx, rnd["id"])

    async def run(ctx: DemoContext) -> None:
        rnd = await ctx.round(plan.number)
        ids = await ctx.org_ids()
        existing = {
            g["name"]: g
            for g in await ctx.all_items(f"/rounds/{rnd['id']}/groups", token=ctx.office)
        }
        assigned = await _assigned(ctx, rnd["id"])
        approaches = await _village_approaches(ctx)
        by_code = ctx.county.by_code()
        total = len(plan.org_codes)
        count = 0
        for name, codes in plan.groups.items():
            group = existing.get(name)
            if group is None:
                # Re-read: a replacement after an avoidance refusal joined an earlier group.
                groups = await ctx.all_items(f"/rounds/{rnd['id']}/groups", token=ctx.office)
                taken = {m["cadre_id"] for g in groups for m in g["members"]}
                group = await _form_group(ctx, plan, rnd["id"], name, codes, taken)
            for code in codes:
                count += 1
                org_id = ids[code]
                if org_id in assigned:
                    continue
                grassroots = by_code[code].kind in GRASSROOTS
                await _assign(
                    ctx, rnd["id"], group, org_id, approaches[org_id] if grassroots else None
                )
                ctx.report(count / total)

    return Step(
        f"round{plan.number}.groups",
        f"第{plan.number}轮：组建巡察组、分配任务（回避审查）",
        max(2, len(plan.org_codes) // 8),
        run,
        done,
    )


# -- stages ----------------------------------------------------------------------------------
def advance_step(plan: RoundPlan, status: RoundStatus) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rnd = (await ctx.rounds()).get(plan.number)
        return rnd is not None and ORDER.index(RoundStatus(rnd["status"])) >= ORDER.index(status)

    async def run(ctx: DemoContext) -> None:
        rnd = await ctx.round(plan.number)
        await ctx.call(
            "POST",
            f"/rounds/{rnd['id']}/transitions",
            token=ctx.office,
            json={"to_status": status.value},
            headers={"Idempotency-Key": f"demo-advance-{rnd['id']}-{status.value}"},
        )
        ctx.forget_rounds()

    return Step(
        f"round{plan.number}.{status.value}",
        f"第{plan.number}轮：{STAGE_ZH[status]}",
        1,
        run,
        done,
    )


# -- briefings of the leadership group (巡前、巡中、巡后听取汇报) -------------------------------
_BRIEFINGS = {
    "before": (-4, "听取第{n}轮巡察动员部署汇报，同意巡察组组建和任务安排，强调严格落实回避制度"),
    "during": (20, "听取第{n}轮巡察进驻情况汇报，要求聚焦“两个维护”，对群众反映强烈的问题立行立改"),
    "after": (65, "听取第{n}轮巡察情况汇报，原则同意巡察报告，要求抓好反馈和整改监督"),
}


def briefing_step(plan: RoundPlan, stage: str) -> Step:
    """The leadership group hears the office on the round (a record, no event)."""

    async def existing(ctx: DemoContext) -> bool:
        rnd = (await ctx.rounds()).get(plan.number)
        if rnd is None:
            return False
        items = await ctx.all_items(
            f"/rounds/{rnd['id']}/briefings", token=ctx.office, params={"stage": stage}
        )
        return bool(items)

    async def run(ctx: DemoContext) -> None:
        rnd = await ctx.round(plan.number)
        days, summary = _BRIEFINGS[stage]
        held_on = min(plan.on_site_from + timedelta(days=days), ctx.today - timedelta(days=1))
        await ctx.call(
            "POST",
            f"/rounds/{rnd['id']}/briefings",
            token=ctx.leadership,
            json={
                "stage": stage,
                "held_on": held_on.isoformat(),
                "summary": summary.format(n=plan.number),
            },
        )

    return Step(
        f"round{plan.number}.briefing.{stage}",
        f"第{plan.number}轮：领导小组听取汇报",
        1,
        run,
        existing,
    )


# Built-in steps after a stage, before the hooks of other services.
_AFTER_STAGE: dict[RoundStatus, list[RoundHook]] = {
    RoundStatus.mobilized: [lambda plan: briefing_step(plan, "before")],
    RoundStatus.on_site: [lambda plan: briefing_step(plan, "during")],
    RoundStatus.reporting: [lambda plan: briefing_step(plan, "after")],
}


def round_steps(
    plan: RoundPlan, hooks: dict[RoundStatus, list[RoundHook]] | None = None
) -> list[Step]:
    """One round's steps: groups and tasks, consultation, then each stage up to the plan's
    target followed by its briefing and the hooks registered for it."""
    hooks = ROUND_HOOKS if hooks is None else hooks
    steps = [groups_step(plan), consultation_step(plan)]
    target = ORDER.index(RoundStatus(plan.target))
    for status in ORDER[1 : target + 1]:
        steps.append(advance_step(plan, status))
        steps += [make(plan) for make in _AFTER_STAGE.get(status, [])]
        steps += [hook(plan) for hook in hooks.get(status, [])]
    return steps

"""The clues step: the planned clues proposed, reviewed, transferred and handled through the
clues service's REST API, each driven from where it stands to its planned stage."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from xuncha_shared.auth import Role

from xuncha.demo.clues.plan import STAGES, CluePlan, clue_count, clue_plan
from xuncha.demo.context import DemoContext, DemoError, Step
from xuncha.demo.county import DemoCounty, RoundPlan
from xuncha.demo.findings.common import round_view

API = "/api/clues"
_REVIEW = {
    "commission_leader": "县纪委副书记、监委副主任 张建国",
    "office_reviewer": "县委巡察办副主任 郑晓燕",
    "supervision_room": "县纪委监委第三监督检查室",
}
KEEPER = "demo.office"
"""The clue keeper (线索管理人): the office staff member the demo signs in as."""


def _recipient(ctx: DemoContext, kind: str, org_id: str) -> str:
    """The recipient department's system (its service account)."""
    if kind == "organization":
        role, subject, name = Role.organization, "svc-zzb", "县委组织部干部监督系统"
    else:
        role, subject, name = Role.discipline, "svc-jw", "县纪委监委线索处置系统"
    return ctx.token(Role.service, role, org_id=org_id, subject=subject, name=name)


def _recipient_codes(county: DemoCounty) -> dict[str, str]:
    return {role: code for code, role in county.consulted if role in ("discipline", "organization")}


async def _ledger(ctx: DemoContext, round_id: str) -> list[dict[str, Any]]:
    return await ctx.all_items(f"{API}/clues", token=ctx.office, params={"round_id": round_id})


def _reached(status: str, target: str) -> bool:
    if target == "returned" or status == "returned":
        return status == target
    return STAGES.index(status) >= STAGES.index(target)


def clues_step(plan: RoundPlan) -> Step:
    async def done(ctx: DemoContext) -> bool:
        rnd = (await ctx.rounds()).get(plan.number)
        if rnd is None:
            return False
        wanted = Counter(c.target for c in clue_plan(ctx.county, plan))
        return Counter(c["status"] for c in await _ledger(ctx, rnd["id"])) == wanted

    async def run(ctx: DemoContext) -> None:
        rnd = await round_view(ctx, plan)
        ids = await ctx.org_ids()
        sources = await _sources(ctx, rnd.id)
        existing = await _ledger(ctx, rnd.id)
        by_source = {c["source_report_id"] or c["source_problem_id"]: c for c in existing}
        recipients = {k: await ctx.org_id(code) for k, code in _recipient_codes(ctx.county).items()}
        wanted = clue_plan(ctx.county, plan)
        limit = asyncio.Semaphore(3)
        count = 0

        async def one(index: int, clue: CluePlan) -> None:
            nonlocal count
            key = ("report" if clue.from_report else ids[clue.org_code], clue.source)
            source_id = sources.get(key)
            if source_id is None and clue.from_report:
                # A report's text is erased once a clue is proposed from it: found by its
                # clue then (a round's one clue from a report).
                source_id = next(
                    (c["source_report_id"] for c in existing if c["source_report_id"]), None
                )
            if source_id is None:
                raise DemoError(f"no source for a clue of round {plan.number}: {clue.source}")
            async with limit:
                row = by_source.get(source_id)
                if row is None:
                    group = rnd.assignments[clue.org_code]["group_id"]
                    row = await _propose(ctx, rnd.member(ctx, group, index), clue, source_id)
                recipient_org = recipients[clue.recipient]
                await _drive(ctx, clue, row, recipient_org)
            count += 1
            ctx.report(count / len(wanted))

        await asyncio.gather(*(one(i, c) for i, c in enumerate(wanted)))

    return Step(
        f"round{plan.number}.clues",
        f"第{plan.number}轮：问题线索提出、会商研判、移交和办理",
        max(2, clue_count(plan) // 3),
        run,
        done,
    )


async def _sources(ctx: DemoContext, round_id: str) -> dict[tuple[str, str], str]:
    """Problem ids by (org id, description) and public report ids by ("report", content)."""
    problems = await ctx.all_items(
        "/api/findings/problems", token=ctx.office, params={"round_id": round_id}
    )
    out: dict[tuple[str, str], str] = {}
    for p in sorted(problems, key=lambda p: p["id"]):
        out.setdefault((p["org_id"], p["description"]), p["id"])
    reports = await ctx.all_items(
        "/api/findings/public-reports", token=ctx.office, params={"round_id": round_id}
    )
    out |= {("report", r["content"]): r["id"] for r in reports}
    return out


async def _propose(ctx: DemoContext, member: str, clue: CluePlan, source_id: str) -> dict[str, Any]:
    """A group member proposes the clue; the clues service may not yet know the problem or
    the group (it learns them from events): 403/422 until it does."""

    async def attempt() -> dict[str, Any] | None:
        response = await ctx.call(
            "POST",
            f"{API}/clues",
            token=member,
            json=clue.body(source_id),
            headers={"Idempotency-Key": f"demo-clue-{source_id}"},
            ok=(201, 403, 422),
        )
        if response.status_code != 201:
            return None
        receipt: dict[str, Any] = response.json()
        return receipt

    return await ctx.eventually(attempt, what="the clues service to know the clue's source")


async def _returned_before(ctx: DemoContext, clue_id: str) -> bool:
    got = (await ctx.call("GET", f"{API}/clues/{clue_id}", token=ctx.office)).json()
    return any(n["kind"] == "return" for n in got["notes"])


_RECEIVED_BY = {"discipline": "案件监督管理室 刘敏", "organization": "干部监督科 孙立"}


def _review_body(clue: CluePlan, again: bool) -> dict[str, Any]:
    opinion = (
        "已补充调取相关账目和证人证言，材料齐全，同意移交。"
        if again
        else "线索具体、可查性强，建议移交处置。"
    )
    return {
        **_REVIEW,
        "suggested_disposal": "inquiry" if clue.disposal == "close" else clue.disposal,
        "suggested_form": 3 if clue.disposal == "case" else (2 if again else 1),
        "opinion": opinion,
        "keeper_account": KEEPER,
    }


def _next(clue: CluePlan, status: str, returned: bool) -> tuple[str, bool, dict[str, Any]]:
    """The next action on the way to the clue's target: (action, by the office, body)."""
    if status in ("draft", "returned"):
        return "review", True, _review_body(clue, status == "returned")
    if status == "reviewed":
        org = {"recipient_kind": clue.recipient}
        return "transfer", True, org
    if status == "transferred" and (clue.target == "returned" or not returned):
        reason = "线索反映问题的时间、金额不够具体，请补充相关账目凭证和证人证言。"
        return "return", False, {"reason": reason}
    if status == "transferred":
        return "receipt", False, {"received_by": _RECEIVED_BY[clue.recipient]}
    if status == "accepted":
        return "disposal", False, {"disposal": clue.disposal}
    if status == "handling" and clue.outcome is not None:
        return "outcome", False, clue.outcome.body()
    if status == "concluded":
        return "close", True, {}
    raise DemoError(f"a clue in status {status} cannot reach {clue.target}")


async def _drive(ctx: DemoContext, clue: CluePlan, row: dict[str, Any], recipient_org: str) -> None:
    """Move a clue on, from wherever it stands, until it reaches its planned status; a clue
    left being handled gets a progress report when its disposal is chosen."""
    path = f"{API}/clues/{row['id']}"
    status, version = row["status"], row["version"]
    system = _recipient(ctx, clue.recipient, recipient_org)
    # Only a clue planned to go back once is returned, and only once.
    returned = not clue.returned_once
    if not returned and status == "transferred":
        returned = await _returned_before(ctx, row["id"])
    elif status not in ("draft", "reviewed"):
        returned = True
    for _ in range(16):
        if _reached(status, clue.target) and (returned or status != "transferred"):
            return
        action, by_office, body = _next(clue, status, returned)
        if action == "transfer":
            body["recipient_org_id"] = recipient_org
        response = await ctx.call(
            "POST",
            f"{path}/{action}",
            token=ctx.office if by_office else system,
            json=body,
            headers={"If-Match": f'"{version}"'},
        )
        got = response.json()
        status, version = got["status"], got["version"]
        returned = returned or action == "return"
        if action == "disposal" and clue.target == "handling":
            await ctx.call(
                "POST",
                f"{path}/progress",
                token=system,
                json={"note": "已成立核查组，调取相关账目凭证，正在开展谈话核实。"},
                headers={"If-Match": f'"{version}"'},
            )
            return
    raise DemoError(f"clue {row['id']} did not reach {clue.target}")

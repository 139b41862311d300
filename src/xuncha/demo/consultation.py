"""Pre-inspection consultation in the demo (巡前函询): before each round the office writes
to the departments (纪委监委, 组织部, 信访局, 审计局) about the round's townships and
departments; each department's system answers per org with its service account. Past
rounds' consultations are answered in full and closed; the round on site now still waits
for some answers, so the dashboard has pending letters to show."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from xuncha_shared.auth import Role
from xuncha_shared.events.planning import RoundStatus

from xuncha.demo.context import DemoContext, Step
from xuncha.demo.county import GRASSROOTS, RoundPlan

__all__ = ["consultation_step"]

_TOPICS = {
    "discipline": ["discipline_reports", "clues"],
    "organization": ["cadre_selection", "appointments"],
    "department": ["petitions"],
}
_ANSWERS = {
    "minor": (
        "近三年收到反映该单位的信访举报{n}件，主要涉及工作作风，已了结",
        "该单位领导班子换届后选人用人程序个别环节不够规范",
    ),
    "serious": (
        "收到反映班子成员违规问题的信访举报{n}件，其中问题线索{c}件正在处置",
        "审计发现专项资金使用不规范，涉及金额较大，整改未到位",
    ),
}


def _answers_wanted(plan: RoundPlan, index: int, orgs: int) -> int:
    """How many orgs each department has answered about: all of them for past rounds; for
    the round on site now, the first department all, the second half, the rest none yet."""
    if plan.target != RoundStatus.on_site.value:
        return orgs
    return orgs if index == 0 else (orgs // 2 if index == 1 else 0)


def consultation_step(plan: RoundPlan) -> Step:
    past = plan.target != RoundStatus.on_site.value

    async def consultations(ctx: DemoContext, round_id: str) -> dict[str, dict[str, Any]]:
        items = await ctx.all_items(
            "/consultations", token=ctx.office, params={"round_id": round_id}
        )
        return {c["department_org_id"]: c for c in items}

    async def done(ctx: DemoContext) -> bool:
        rnd = (await ctx.rounds()).get(plan.number)
        if rnd is None:
            return False
        ids = await ctx.org_ids()
        sent = await consultations(ctx, rnd["id"])
        for index, (code, _) in enumerate(ctx.county.consulted):
            c = sent.get(ids[code])
            if c is None or c["answered_count"] < _answers_wanted(plan, index, c["org_count"]):
                return False
            if past and c["status"] != "closed":
                return False
        return True

    async def run(ctx: DemoContext) -> None:
        rnd = await ctx.round(plan.number)
        ids = await ctx.org_ids()
        by_code = ctx.county.by_code()
        sent = await consultations(ctx, rnd["id"])
        asked = [ids[c] for c in plan.org_codes if by_code[c].kind not in GRASSROOTS]
        # The office sends its letters, then the departments' systems answer, each on its own.
        letters: list[dict[str, Any]] = []
        for code, role in ctx.county.consulted:
            consultation = sent.get(ids[code])
            if consultation is None:
                body = {
                    "round_id": rnd["id"],
                    "department_org_id": ids[code],
                    "topics": _TOPICS[role],
                    "org_ids": asked,
                    "note": "请于期限内书面答复",
                }
                key = f"demo-consult-{rnd['id']}-{code}"
                response = await ctx.call(
                    "POST",
                    "/consultations",
                    token=ctx.office,
                    json=body,
                    headers={"Idempotency-Key": key},
                )
                consultation = response.json()
            letters.append(consultation)
        ctx.report(0.2)
        await asyncio.gather(
            *(
                _answer(ctx, plan, index, letter, by_code[code].name, role, ids[code])
                for index, (letter, (code, role)) in enumerate(
                    zip(letters, ctx.county.consulted, strict=True)
                )
            )
        )
        ctx.report(0.8)
        for letter in letters if past else []:
            current = await ctx.call("GET", f"/consultations/{letter['id']}", token=ctx.office)
            if current.json()["status"] != "closed":
                await ctx.call(
                    "POST",
                    f"/consultations/{letter['id']}/close",
                    token=ctx.office,
                    headers={"If-Match": current.headers["ETag"]},
                )

    return Step(
        f"round{plan.number}.consultation",
        f"第{plan.number}轮：巡前函询与部门答复",
        3,
        run,
        done,
    )


async def _answer(
    ctx: DemoContext,
    plan: RoundPlan,
    index: int,
    consultation: dict[str, Any],
    dept_name: str,
    role: str,
    dept_id: str,
) -> None:
    """The department's system answers per org (service account of the department)."""
    token = ctx.token(
        Role.service,
        Role(role),
        org_id=dept_id,
        subject=f"svc-{dept_id[:8]}",
        name=f"{dept_name}系统",
    )
    answers = await ctx.all_items(f"/consultations/{consultation['id']}/answers", token=token)
    wanted = _answers_wanted(plan, index, len(answers))
    answered = sum(1 for a in answers if a["answered"])
    for answer in answers:
        if answered >= wanted:
            return
        if answer["answered"]:
            continue
        where = f"{plan.number}-{dept_name}-{answer['org_code']}"
        rng = random.Random(f"demo-answer-{ctx.county.seed}-{where}")
        severity = rng.choices(["none", "minor", "serious"], [70, 22, 8])[0]
        petitions = 0 if severity == "none" else rng.randint(1, 12)
        clues = rng.randint(1, 3) if severity == "serious" else 0
        body: dict[str, Any] = {
            "severity": severity,
            "petition_count": petitions,
            "clue_count": clues,
            "text": "未发现需要通报的问题"
            if severity == "none"
            else rng.choice(_ANSWERS[severity]).format(n=petitions, c=clues),
        }
        await ctx.call(
            "PUT",
            f"/consultations/{consultation['id']}/answers/{answer['org_id']}",
            token=token,
            json=body,
        )
        answered += 1

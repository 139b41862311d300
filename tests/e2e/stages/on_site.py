"""On site: the groups record problems and take public reports; immediate rectification."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xuncha_shared.testing.plugin import eventually

from tests.e2e.scenario import WAIT, Cast, Scenario
from tests.e2e.stages.registry_and_round import Round
from xuncha.demo.problem_texts import plan_problems

# What the groups find, per org: (immediate, livelihood, amount). The first problem of the
# township and the second of the first department are the clues' sources.
FINDINGS_PLAN: dict[str, list[tuple[bool, bool, str | None]]] = {
    "town": [(True, True, "12000.00"), (False, False, None), (False, True, None)],
    "village0": [(False, True, None)],
    "village1": [(True, False, None)],
    "dept0": [(True, False, None), (False, False, "86000.00")],
    "dept1": [(False, False, None)],
}


def slot(cast: Cast, code: str) -> str:
    if code == cast.town:
        return "town"
    if code in cast.villages:
        return f"village{cast.villages.index(code)}"
    return f"dept{cast.departments.index(code)}"


@dataclass
class Problems:
    by_org: dict[str, list[str]]  # org code → problem ids, in FINDINGS_PLAN order
    from_report: str  # the problem a public report became (on the second department)
    public_reports: dict[str, str]  # outcome → report id

    @property
    def all(self) -> list[str]:
        return [p for ids in self.by_org.values() for p in ids] + [self.from_report]


async def advance(s: Scenario, rnd: Round, status: str) -> None:
    got = await s.call(
        "POST",
        f"/api/planning/rounds/{rnd.id}/transitions",
        s.office,
        json={"to_status": status},
        headers={"Idempotency-Key": f"e2e-advance-{rnd.id}-{status}"},
    )
    assert got["status"] == status


async def on_site(s: Scenario, cast: Cast, rnd: Round) -> Problems:
    """Problems recorded in batches (some immediate: rectification opens their tasks from
    the hand-over), public reports submitted on the public endpoint and triaged."""
    await advance(s, rnd, "mobilized")
    await advance(s, rnd, "on_site")
    by_code = s.county.by_code()
    by_org: dict[str, list[str]] = {}
    for code in cast.inspected:
        plan = FINDINGS_PLAN[slot(cast, code)]
        texts = plan_problems(s.county.seed, 1, code, by_code[code].kind)
        bodies = []
        for i, (immediate, livelihood, amount) in enumerate(plan):
            body = {**texts[i % len(texts)].body(), "immediate": immediate}
            body["livelihood"] = livelihood
            body.pop("amount_yuan", None)
            if amount:
                body["amount_yuan"] = amount
            bodies.append(body)
        a = rnd.assignments[code]
        group = "第一巡察组" if code in (cast.town, *cast.villages) else "第二巡察组"
        member = s.group_member(rnd.members[group][1])
        result = await s.until(
            "POST",
            "/api/findings/problems/batch",
            member,
            expect=201,
            json={"assignment_id": a["id"], "problems": bodies},
            headers={"Idempotency-Key": f"e2e-problems-{a['id']}"},
        )
        assert result["created"] == len(plan)
        assert result["handed_over"] == sum(1 for f in plan if f[0])
        by_org[code] = [str(i) for i in result["ids"]]
    s.lap("problems_recorded")

    # Public reports: the announcement, then three reports from the public (no account).
    await s.call(
        "PUT",
        f"/api/findings/rounds/{rnd.id}/announcement",
        s.office,
        json=announcement(s, cast, rnd),
    )
    wants = [
        ("problem", cast.departments[1], "反映该局窗口办事推诿、群众多次跑腿仍办不成事"),
        ("forwarded", cast.town, "反映镇区主干道路灯长期不亮，夜间出行不便"),
        ("no_action", cast.villages[0], "反映邻里宅基地界址纠纷，请求巡察组裁决"),
    ]
    receipts: dict[str, str] = {}
    for outcome, code, content in wants:
        got = await s.until(
            "POST",
            f"/api/findings/public/rounds/{rnd.id}/reports",
            None,
            expect=201,
            json={"content": content, "org_id": s.org(code), "contact": "匿名"},
        )
        receipts[outcome] = got["receipt_code"]
    office_reports = await s.items("/api/findings/public-reports", s.office, round_id=rnd.id)
    assert len(office_reports) == 3
    by_content = {r["content"]: r for r in office_reports}
    public_reports: dict[str, str] = {}
    from_report = ""
    member2 = s.group_member(rnd.members["第二巡察组"][0])
    member1 = s.group_member(rnd.members["第一巡察组"][0])
    for outcome, code, content in wants:
        report = by_content[content]
        public_reports[outcome] = report["id"]
        triage: dict[str, Any] = {"outcome": outcome}
        if outcome == "problem":
            triage["problem"] = {
                "assignment_id": rnd.assignments[code]["id"],
                "category": "four_winds",
                # The group's own wording: the report's text is refused (it reaches the org).
                "description": "经核实，该局窗口服务存在推诿扯皮现象，办事群众反复跑腿",
                "found_by": "petition",
                "immediate": False,
                "livelihood": True,
            }
        elif outcome == "forwarded":
            triage |= {"forwarded_to_org_id": s.org(cast.petitions), "reply_workdays": 10}
        else:
            triage["reason"] = "反映的宅基地纠纷不属于巡察受理范围，已告知向乡镇人民政府申请调处。"
        actor = member2 if code in cast.departments else member1
        triaged = await s.call(
            "POST", f"/api/findings/public-reports/{report['id']}/triage", actor, json=triage
        )
        if outcome == "problem":
            from_report = str(triaged["problem_id"])
    for outcome, receipt in receipts.items():
        got = await s.call(
            "POST", "/api/findings/public/report-status", None, json={"receipt_code": receipt}
        )
        assert got["status"] != "received", (outcome, got)
    s.lap("public_reports")

    return Problems(by_org, from_report, public_reports)


async def immediate_tasks(s: Scenario, cast: Cast, rnd: Round, problems: Problems) -> None:
    """Rectification opened a task for each immediate problem, from the hand-over event."""
    handed = {
        p: code
        for code, ids in problems.by_org.items()
        for p, f in zip(ids, FINDINGS_PLAN[slot(cast, code)], strict=True)
        if f[0]
    }
    assert len(handed) == 3

    async def tasks_opened() -> bool:
        tasks = await s.items("/api/rectification/tasks", s.office, round_id=rnd.id)
        return {t["problem_id"]: t["kind"] for t in tasks} == dict.fromkeys(handed, "immediate")

    await eventually(tasks_opened, timeout=WAIT, interval=0.3)
    # Each org sees its own immediate task and nobody else's, but a township also sees its
    # villages' (its direct responsibility for their rectification).
    for code in (cast.town, cast.villages[1], cast.departments[0]):
        seen = await s.items("/api/rectification/tasks", s.inspected(code))
        sees = {code, *cast.villages} if code == cast.town else {code}
        assert sorted(t["problem_id"] for t in seen) == sorted(
            p for p, c in handed.items() if c in sees
        )
    assert await s.items("/api/rectification/tasks", s.inspected(cast.departments[1])) == []
    s.lap("immediate_tasks_opened")


def announcement(s: Scenario, cast: Cast, rnd: Round) -> dict[str, Any]:
    return {
        "text": (
            f"根据县委巡察工作统一部署，县委巡察组对{len(cast.inspected)}个党组织开展第1轮巡察。"
            "巡察期间受理反映被巡察党组织领导班子及其成员问题的来信来电来访。"
        ),
        "phone": "0391-6100000",
        "mailbox": "温县邮政1号信箱",
        "online_url": "https://xc.example.gov.cn",
    }

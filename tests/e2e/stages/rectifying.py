"""Rectification: plans, progress, claims and acceptance; a yellow, then a red card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from xuncha_shared.auth import Role
from xuncha_shared.testing.plugin import eventually
from xuncha_shared.workdays import WorkdayCalendar

from tests.e2e.scenario import WAIT, Cast, Scenario
from tests.e2e.stages.on_site import Problems
from tests.e2e.stages.registry_and_round import Round

RX = "/api/rectification"


@dataclass
class Rectified:
    tasks: dict[str, dict[str, Any]]  # problem id → task
    accepted: set[str]  # problem ids
    institutions: int
    late_org: str  # the org code late into a yellow, then a red card


async def rectification(s: Scenario, cast: Cast, rnd: Round, problems: Problems) -> Rectified:
    """Every org fills in and submits its plan, reports progress and claims its tasks; the
    discipline commission accepts them but one, rejected and left open past its deadline:
    the services' clocks move on, the org gets a yellow card, then a red one, and its
    leader's promotion check is blocked; the task is done at last, the card lifted and the
    check cleared. Institutions built; the round is rated."""

    async def all_tasks() -> dict[str, dict[str, Any]] | None:
        tasks = await s.items(f"{RX}/tasks", s.office, round_id=rnd.id)
        got = {t["problem_id"]: t for t in tasks}
        return got if set(got) == set(problems.all) else None

    tasks: dict[str, dict[str, Any]] = await eventually(all_tasks, timeout=WAIT, interval=0.3)
    plans = {p["org_id"]: p for p in await s.items(f"{RX}/plans", s.office, round_id=rnd.id)}
    assert set(plans) == {s.org(c) for c in cast.inspected}
    s.lap("plans_opened")

    owner = {code: f"{code}.leader" for code in cast.inspected}
    late, late_problem = cast.departments[0], problems.by_org[cast.departments[0]][1]
    for code in cast.inspected:
        org_token = s.inspected(code)
        own = [t for t in tasks.values() if t["org_id"] == s.org(code)]
        for t in own:
            url = f"{RX}/tasks/{t['id']}"
            await s.call(
                "PATCH",
                url,
                org_token,
                headers=await s.etag(url, org_token),
                json={
                    "measures": "逐项制定整改措施，明确责任人和完成时限",
                    "responsible_person": f"{code}责任人",
                    "owner_account": owner[code],
                    "owner_name": "领办领导",
                    # An immediate task keeps the deadline of its hand-over.
                    **(
                        {}
                        if t["immediate"]
                        else {"due_on": (s.county.today + timedelta(days=20)).isoformat()}
                    ),
                },
            )
        plan_url = f"{RX}/plans/{plans[s.org(code)]['id']}"
        submitted = await s.call(
            "POST", f"{plan_url}/submit", org_token, headers=await s.etag(plan_url, org_token)
        )
        assert submitted["status"] != "drafting", submitted
    s.lap("plans_submitted")

    jw = s.token(Role.discipline, org_id=s.org(cast.discipline), subject="jw.wang")
    accepted: set[str] = set()
    institutions = 0

    async def claim(t: dict[str, Any], org_token: str, n: int, on: date | None = None) -> None:
        url = f"{RX}/tasks/{t['id']}"
        await s.call(
            "POST",
            f"{url}/progress",
            org_token,
            json={
                "reported_on": (on or s.county.today).isoformat(),
                "text": f"第{n}次报告：已完成整改措施的主要部分",
                "evidence": [{"name": "整改台账", "ref": f"doc-{t['id'][:8]}-{n}"}],
            },
            headers={"Idempotency-Key": f"e2e-progress-{t['id']}-{n}"},
            expect=201,
        )
        await s.call(
            "POST",
            f"{url}/claim",
            org_token,
            headers=await s.etag(url, org_token),
            json={
                "summary": "整改已完成，申请销号",
                "evidence": [{"name": "整改完成报告", "ref": f"done-{t['id'][:8]}-{n}"}],
                "commitment": {"signed_by": "王书记", "statement": "以上情况属实"},
            },
        )

    async def review(t: dict[str, Any], accept: bool) -> None:
        url = f"{RX}/tasks/{t['id']}"
        if accept:
            got = await s.call(
                "POST", f"{url}/accept", jw, headers=await s.etag(url, jw), json={"comment": "同意"}
            )
            assert got["status"] == "accepted"
        else:
            got = await s.call(
                "POST",
                f"{url}/reject",
                jw,
                headers=await s.etag(url, jw),
                json={"reasons": "整改佐证材料不足，群众满意度未核实"},
            )
            assert got["status"] == "open"

    for code in cast.inspected:
        org_token = s.inspected(code)
        own = [t for t in tasks.values() if t["org_id"] == s.org(code)]
        for i, t in enumerate(own):
            await claim(t, org_token, 1)
            if t["problem_id"] == late_problem:
                await review(t, accept=False)  # rejected: stays open past its deadline
                continue
            if code == cast.town and i == 0:
                await review(t, accept=False)  # rejected once, then done properly
                await claim(t, org_token, 2)
            await review(t, accept=True)
            accepted.add(t["problem_id"])
        if code in (cast.town, cast.departments[1]):
            await s.call(
                "POST",
                f"{RX}/tasks/{own[-1]['id']}/institutions",
                org_token,
                json={
                    "name": "村级工程项目管理办法" if code == cast.town else "窗口服务首问负责制度",
                    "adopted_on": s.county.today.isoformat(),
                    "doc_number": f"{code}发〔2026〕1号",
                },
                headers={"Idempotency-Key": f"e2e-inst-{code}"},
                expect=201,
            )
            institutions += 1
    assert len(accepted) == len(problems.all) - 1
    s.lap("tasks_accepted_and_rejected")

    # Every service's clock moves past the late task's deadline: overdue, a yellow card.
    late_task, late_token = tasks[late_problem], s.inspected(late)
    due = s.county.today + timedelta(days=20)
    workdays = WorkdayCalendar()
    org_dept = s.token(Role.organization, org_id=s.org(cast.organization), subject="zzb.li")

    async def card_of(color: str) -> dict[str, Any]:
        async def shown() -> dict[str, Any] | None:
            cards = await s.items(f"{RX}/cards", s.office, round_id=rnd.id)
            return cards[0] if [c["color"] for c in cards] == [color] else None

        card: dict[str, Any] = await eventually(shown, timeout=WAIT, interval=0.5)
        return card

    async def promotion_check() -> dict[str, Any]:
        check: dict[str, Any] = await s.call(
            "GET", f"{RX}/promotion-check", org_dept, params={"account": owner[late]}
        )
        return check

    s.move_clock(workdays.add_workdays(due, 3).due)
    yellow = await card_of("yellow")
    assert yellow["org_id"] == s.org(late) and "逾期" in yellow["reason_zh"], yellow
    check = await promotion_check()
    assert check["blocking"] is True, check
    assert [t["task_id"] for t in check["tasks"]] == [late_task["id"]], check
    s.lap("yellow_card_promotion_blocked")

    # Seriously late (more than ten working days): the same card turns red, with on-site
    # supervision and an interview scheduled.
    late_day = workdays.add_workdays(due, 13).due
    s.move_clock(late_day)
    red = await card_of("red")
    assert red["id"] == yellow["id"] and red["escalated_at"], red
    assert {a["kind"] for a in red["actions"]} == {"supervision", "interview"}, red
    s.lap("red_card")

    # Done at last and accepted: the card is lifted and the promotion no longer blocked.
    await claim(late_task, late_token, 2, on=late_day)
    await review(late_task, accept=True)
    accepted.add(late_problem)

    async def lifted() -> bool:
        return not await s.items(f"{RX}/cards", s.office, round_id=rnd.id, open="true")

    await eventually(lifted, timeout=WAIT, interval=0.5)
    check = await promotion_check()
    assert check["blocking"] is False and check["tasks"] == [], check
    s.lap("card_lifted_promotion_cleared")

    # The office rates every plan of the round.
    await s.call("POST", f"{RX}/rounds/{rnd.id}/ratings", s.office)
    ratings = await s.items(f"{RX}/ratings", s.office, round_id=rnd.id)
    assert {r["org_id"] for r in ratings} == {s.org(c) for c in cast.inspected}
    rating = {r["org_id"]: r["rating"] for r in ratings}
    print("ratings:", {r["org_id"][:8]: (r["rating"], r.get("score")) for r in ratings})
    # The org that was late into a red card is rated poor, the others are not.
    assert rating.pop(s.org(late)) == "poor", ratings
    assert set(rating.values()) <= {"good", "fair"}, ratings
    s.lap("rating")
    return Rectified(tasks, accepted, institutions, late)

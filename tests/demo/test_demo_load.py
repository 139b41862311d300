"""The demo data: a small invented county loaded through the public APIs of the services
(routed by the embedded platform's dispatcher), counted back through the same APIs, and a
second run that adds nothing."""

from __future__ import annotations

import io
import math
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from rich.console import Console
from rich.progress import Progress
from xuncha_shared.auth import Role
from xuncha_shared.testing.plugin import eventually
from xuncha_shared.workdays import SHANGHAI

from xuncha.demo import SMALL, build_county, build_steps, load_demo
from xuncha.demo.clues import TRANSFERRED, clue_plan, clues_step
from xuncha.demo.context import DemoContext
from xuncha.demo.data.roster import county_roster
from xuncha.demo.findings.feedback import LEADER, feedback_step, letters_step
from xuncha.demo.findings.problems import expected_problems, problems_step
from xuncha.demo.findings.public_reports import public_report_plan, public_reports_step
from xuncha.demo.findings.reports import expected_reports, reports_step
from xuncha.demo.findings.settings import ISSUER_SHORT
from xuncha.demo.problem_texts import plan_problems
from xuncha.demo.rectification import (
    ACCEPTED,
    CLAIMED,
    RED,
    REJECTED_ONCE,
    finished_orgs,
    institution_count,
    plans_step,
    progress_step,
    red_org,
    report_step,
    task_counts,
    task_outcomes,
)
from xuncha.embedded import Dispatcher

pytestmark = pytest.mark.timeout(240)
FINDINGS = "/api/findings"
CLUES = "/api/clues"
RX = "/api/rectification"


async def _all(client: httpx.AsyncClient, path: str, token: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        query = {**params, "limit": 500, **({"cursor": cursor} if cursor else {})}
        r = await client.get(path, params=query, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items


async def _snapshot(client: httpx.AsyncClient, office: str) -> dict[str, Any]:
    """What the platform holds, as the dashboard would read it."""
    api = "/api/planning"
    orgs = await _all(client, f"{api}/orgs", office)
    terms = await _all(client, f"{api}/terms", office)
    assert len(terms) == 1
    term = terms[0]
    rounds = await _all(client, f"{api}/rounds", office, term_id=term["id"])
    groups = []
    assignments = []
    consultations = []
    for rnd in rounds:
        groups += await _all(client, f"{api}/rounds/{rnd['id']}/groups", office)
        assignments += await _all(client, f"{api}/rounds/{rnd['id']}/assignments", office)
        consultations += await _all(client, f"{api}/consultations", office, round_id=rnd["id"])
    headers = {"Authorization": f"Bearer {office}"}
    counts = await client.get(
        f"{api}/village-classifications/counts", params={"term_id": term["id"]}, headers=headers
    )
    coverage = await client.get(f"{api}/terms/{term['id']}/coverage", headers=headers)
    return {
        "orgs": Counter(o["kind"] for o in orgs),
        "term": term,
        "rounds": {r["number"]: r for r in rounds},
        "groups": groups,
        "assignments": len(assignments),
        "consultations": consultations,
        "cadres": len(await _all(client, f"{api}/cadres", office)),
        "roster": Counter(
            (m["org_kind"], m["post"], m["current"])
            for m in await _all(client, f"{api}/roster", office)
        ),
        "villages": counts.json(),
        "coverage": coverage.json(),
        "findings": await _findings(client, office, rounds),
        "clues": await _clues(client, office, rounds),
        "rectification": await _rectification(client, office, rounds),
        "figures": (
            await client.get(f"{api}/figures", params={"term_id": term["id"]}, headers=headers)
        ).json(),
    }


async def _clues(
    client: httpx.AsyncClient, office: str, rounds: list[dict[str, Any]]
) -> dict[int, Any]:
    """The clue ledger per round number, as the office's keeper reads it."""
    out: dict[int, Any] = {}
    for rnd in rounds:
        ledger = await _all(client, f"{CLUES}/clues", office, round_id=rnd["id"])
        out[rnd["number"]] = {
            "status": Counter(c["status"] for c in ledger),
            "recipients": Counter(c["recipient_kind"] for c in ledger if c["recipient_kind"]),
            "priority": sum(c["priority"] for c in ledger),
            "from_reports": sum(c["source_report_id"] is not None for c in ledger),
            "versions": sorted(c["version"] for c in ledger),
        }
    return out


async def _rectification(
    client: httpx.AsyncClient, office: str, rounds: list[dict[str, Any]]
) -> dict[int, Any]:
    """Plans, tasks, institutions, ratings and cards per round number."""
    out: dict[int, Any] = {}
    for rnd in rounds:
        rid = rnd["id"]
        plans = await _all(client, f"{RX}/plans", office, round_id=rid)
        tasks = await _all(client, f"{RX}/tasks", office, round_id=rid)
        headers = {"Authorization": f"Bearer {office}"}
        institutions = await client.get(
            f"{RX}/institutions", params={"round_id": rid}, headers=headers
        )
        reports = []
        for plan in plans:
            got = await client.get(f"{RX}/plans/{plan['id']}/report", headers=headers)
            if got.status_code == 200:
                reports.append(sorted(d["scope"] for d in got.json()["disclosures"]))
        out[rnd["number"]] = {
            "plans": Counter(p["status"] for p in plans),
            "tasks": Counter(t["status"] for t in tasks),
            "kinds": Counter(t["kind"] for t in tasks),
            "filled": sum(bool(t["measures"] and t["owner_account"]) for t in tasks),
            "rejections": sum(t["rejections"] for t in tasks),
            "red": sorted(t["org_id"] for t in tasks if t["rejections"] >= 2),
            "accepted_livelihood": sum(t["livelihood"] for t in tasks if t["status"] == "accepted"),
            "institutions": len(institutions.json()),
            "reports": reports,
            "ratings": len(await _all(client, f"{RX}/ratings", office, round_id=rid)),
            "cards": sorted(
                (c["color"], c["org_id"])
                for c in await _all(client, f"{RX}/cards", office, round_id=rid)
            ),
        }
    return out


async def _findings(
    client: httpx.AsyncClient, office: str, rounds: list[dict[str, Any]]
) -> dict[str, Any]:
    """Findings per round number, as the office reads them."""
    out: dict[str, Any] = {}
    for rnd in rounds:
        rid = rnd["id"]
        problems = await _all(client, f"{FINDINGS}/problems", office, round_id=rid)
        reports = await _all(client, f"{FINDINGS}/reports", office, round_id=rid)
        public = await _all(client, f"{FINDINGS}/public-reports", office, round_id=rid)
        village = [p for p in problems if p["org_kind"] in {"village", "community"}]
        out[rnd["number"]] = {
            "problems": len(problems),
            "orgs_with_problems": len({p["org_id"] for p in problems}),
            "village_problems": len(village),
            "village_immediate": sum(p["immediate"] for p in village),
            "handed_over": sum(p["status"] == "handed_over" for p in problems),
            "fed_back": sum(p["fed_back_at"] is not None for p in problems),
            "livelihood": sum(p["livelihood"] for p in problems),
            "with_amount": sum(p["amount_yuan"] is not None for p in problems),
            "reports": Counter((r["kind"], r["status"]) for r in reports),
            "returned_once": sum(
                (r["review_comments"] or "").startswith("已按意见修改") for r in reports
            ),
            "public": Counter((r["channel"], r["outcome"]) for r in public),
            "public_replied": sum(bool(r["reply_text"]) for r in public),
        }
    letters = await _all(client, f"{FINDINGS}/letters", office)
    out["letters"] = sorted(
        (
            x["kind"],
            x["doc_number"],
            x["round_id"],
            bool(x["reply_text"]),
            tuple(x["copy_to_accounts"]),
        )
        for x in letters
    )
    return out


async def test_small_county_loads_through_the_apis_and_twice_adds_nothing(
    platform: Callable[..., Any], token: Callable[..., str]
) -> None:
    # The rectification service's cards come from its periodic job: run it every second.
    running = await platform(
        "planning", "findings", "clues", "rectification", scheduler_seconds=1.0
    )
    dispatcher = Dispatcher(running.apps, FastAPI())
    office = token(Role.office)
    transport = httpx.ASGITransport(app=dispatcher)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        progress = Progress(console=Console(file=io.StringIO()))
        # The county's day is Beijing's (after 16:00 UTC it is already tomorrow there), and
        # the same for both runs and for the steps run again below.
        today = datetime.now(SHANGHAI).date()
        started = time.monotonic()
        result = await load_demo(
            client, token_for=token, progress=progress, size=SMALL, today=today
        )
        first_seconds = time.monotonic() - started

        county = build_county(0, size=SMALL, today=today)
        (task,) = progress.tasks
        assert task.total == sum(s.weight for s in build_steps(county))
        assert task.completed == task.total
        assert result.skipped == [] or set(result.skipped) <= {"calendar"}

        await _settled(client, office, county)
        state = await _snapshot(client, office)
        assert state["orgs"] == {"township": 5, "department": 16, **_grassroots(county)}
        assert state["term"]["orgs_in_scope"] == len(county.orgs) == 41
        assert state["term"]["rounds"] == 5
        assert state["cadres"] == SMALL.pool
        # Every org has its leadership team; each township also its former secretary.
        roster = state["roster"]
        assert sum(roster.values()) == len(county_roster(county.orgs, seed=0, today=today))
        assert roster[("township", "party_secretary", True)] == 5
        assert roster[("township", "party_secretary", False)] == 5
        assert roster[("village", "village_secretary", True)] == _grassroots(county).get(
            "village", 0
        )
        villages = state["villages"]
        assert villages["villages"] == villages["approved"] == 20
        assert sum(villages["by_class"].values()) == 20
        assert sum(villages["by_approach"].values()) == 20
        statuses = Counter(r["status"] for r in state["rounds"].values())
        assert statuses == {"closed": 3, "rectifying": 1, "on_site": 1}
        assert state["rounds"][2]["mode"] == "special"
        assert state["assignments"] == sum(len(p.org_codes) for p in county.rounds)
        assert len(state["groups"]) == sum(len(p.groups) for p in county.rounds)
        coverage = state["coverage"]
        assert 0 < coverage["percent"] < 100
        covered = sum(len(p.org_codes) for p in county.rounds[:4])
        assert coverage["covered"] == covered

        # Consultations: every department asked before each round; the past ones answered
        # in full and closed, the round on site now still waiting for some answers.
        by_round: dict[str, list[Any]] = {}
        for c in state["consultations"]:
            by_round.setdefault(c["round_id"], []).append(c)
        for number, rnd in state["rounds"].items():
            asked = by_round[rnd["id"]]
            assert len(asked) == len(county.consulted) == 2  # 纪委监委, 组织部
            if number < 5:
                assert all(c["status"] == "closed" for c in asked)
                assert all(c["answered_count"] == c["org_count"] > 0 for c in asked)
            else:
                assert sorted(c["answered_count"] for c in asked)[-1] == asked[0]["org_count"]
                assert any(c["status"] == "pending" for c in asked)

        # The leadership group heard the office before, during and after each round.
        for number, rnd in state["rounds"].items():
            briefings = await _all(client, f"/api/planning/rounds/{rnd['id']}/briefings", office)
            assert sorted(b["stage"] for b in briefings) == (
                ["after", "before", "during"] if number < 5 else ["before", "during"]
            )

        # The avoidance refusal in the first round was handled with a replacement.
        assert any("回避审查" in note for note in result.notes)
        r1 = state["rounds"][1]["id"]
        violations = await _all(
            client, f"/api/planning/rounds/{r1}/avoidance-checks", office, outcome="violation"
        )
        assert violations

        _assert_findings(state, county)
        _assert_clues(state, county)
        orgs = await _all(client, "/api/planning/orgs", office)
        _assert_rectification(state, county, {o["code"]: o["id"] for o in orgs})
        _assert_figures(state, county)
        # Feedback reached the oversight of 纪委监委 and 组织部, and the copy-to leader sees
        # the recommendation letters copied to him.
        r1 = state["rounds"][1]["id"]
        (assignment, *_) = await _all(client, f"/api/planning/rounds/{r1}/assignments", office)
        feedback = await client.get(
            f"{FINDINGS}/assignments/{assignment['id']}/feedback",
            headers={"Authorization": f"Bearer {office}"},
        )
        assert feedback.status_code == 200, feedback.text
        assert len(feedback.json()["copied_to_org_ids"]) == 2
        leader = token(Role.leader, subject=LEADER[0])
        copied = await _all(client, f"{FINDINGS}/letters", leader)
        assert len(copied) == 4 and {x["kind"] for x in copied} == {"recommendation"}

        # A second run finds everything in place and adds nothing.
        again = Progress(console=Console(file=io.StringIO()))
        second = await load_demo(client, token_for=token, progress=again, size=SMALL, today=today)
        assert second.ran == []
        assert again.tasks[0].completed == again.tasks[0].total
        assert await _snapshot(client, office) == state

        # Each findings step's run copes with what is already there (as after a run stopped
        # half-way): run again over a done state, it adds nothing.
        ctx = DemoContext(client=client, token_for=token, county=county)
        past, current = county.rounds[0], county.rounds[-1]
        for make in (problems_step, public_reports_step):
            await make(current).run(ctx)
        for make in (reports_step, feedback_step, letters_step):
            await make(past).run(ctx)
        rectifying = county.rounds[3]
        for step in (
            clues_step(past),
            clues_step(rectifying),
            clues_step(current),
            plans_step(past),
            progress_step(past),
            progress_step(rectifying),
            report_step(past),
        ):
            await step.run(ctx)
        await _settled(client, office, county)
        assert await _snapshot(client, office) == state
    print(f"small county: first run {first_seconds:.1f} s, second {second.seconds:.1f} s")


def _assert_findings(state: dict[str, Any], county: Any) -> None:
    """Problems in every org of every round, most village problems rectified on the spot,
    the past rounds reported, approved, fed back and written about, letters numbered."""
    found = state["findings"]
    for plan in county.rounds:
        got = found[plan.number]
        triaged = sum(p.outcome == "problem" for p in public_report_plan(county, plan))
        assert got["problems"] == expected_problems(county, plan) + triaged
        assert got["orgs_with_problems"] == len(plan.org_codes)
        assert 6 * len(plan.org_codes) <= got["problems"] - triaged <= 10 * len(plan.org_codes)
        assert got["village_immediate"] > 0.8 * got["village_problems"] > 0
        assert got["livelihood"] > 0 and got["with_amount"] > 0
        public = got["public"]
        assert sum(public.values()) == len(public_report_plan(county, plan))
        assert None not in {outcome for _, outcome in public}
        assert got["public_replied"] == sum(o == "forwarded" for _, o in public)
        if plan.number < 5:
            assert got["reports"] == {
                ("assignment", "approved"): len(plan.org_codes),
                ("comprehensive", "approved"): expected_reports(county, plan) - len(plan.org_codes),
            }
            assert got["returned_once"] == 1
            assert got["fed_back"] == got["problems"]
        else:  # the round on site now: nothing reported or fed back yet
            assert got["reports"] == {} and got["fed_back"] == 0
            assert ("online", "problem") in public
    letters = found["letters"]
    for kind, series in (("recommendation", "巡建"), ("reminder", "巡提")):
        mine = [x for x in letters if x[0] == kind]
        assert len(mine) == 4  # one per past round
        numbers = sorted(int(x[1].split("〕")[1].removesuffix("号")) for x in mine)
        assert numbers == [1, 2, 3, 4]
        assert all(x[1].startswith(f"{ISSUER_SHORT}{series}〔") for x in mine)
        assert len({x[2] for x in mine}) == 4
    assert all(x[3] for x in letters if x[0] == "reminder")
    assert all(x[4] == (LEADER[0],) for x in letters if x[0] == "recommendation")


async def _settled(client: httpx.AsyncClient, office: str, county: Any) -> None:
    """Wait for what follows the demo by events and jobs: the office's figures (planning's
    projection of the other services' events) and the red card (rectification's job)."""
    want = _expected_figures(county)

    async def figures() -> bool:
        terms = await _all(client, "/api/planning/terms", office)
        got = await client.get(
            "/api/planning/figures",
            params={"term_id": terms[0]["id"]},
            headers={"Authorization": f"Bearer {office}"},
        )
        return all(got.json()[k] == v for k, v in want.items())

    await eventually(figures, timeout=60, interval=0.5)

    async def carded() -> bool:
        terms = await _all(client, "/api/planning/terms", office)
        rounds = await _all(client, "/api/planning/rounds", office, term_id=terms[0]["id"])
        rid = next(r["id"] for r in rounds if r["number"] == 4)
        cards = await _all(client, f"{RX}/cards", office, round_id=rid)
        return [c["color"] for c in cards] == ["red"]

    await eventually(carded, timeout=60, interval=0.5)


def _planned_tasks(county: Any) -> list[tuple[int, str, str]]:
    """(round number, org code, outcome) of every task of the rounds past feedback."""
    out = []
    for plan in county.rounds[:4]:
        counts = task_counts(county, plan)
        for code in plan.org_codes:
            out += [(plan.number, code, o) for o in task_outcomes(county, plan, code, counts[code])]
    return out


def _expected_figures(county: Any) -> dict[str, Any]:
    """The office's figures the demo implies, from the county's plan."""
    clues = [c for plan in county.rounds for c in clue_plan(county, plan)]
    outcomes = [c.outcome for c in clues if c.outcome is not None]
    tasks = _planned_tasks(county)
    accepted = sum(o in (ACCEPTED, REJECTED_ONCE) for _, _, o in tasks)
    # The round on site now has tasks already: its problems handed over on the spot.
    current = county.rounds[-1]
    by_code = county.by_code()
    handed_over = sum(
        p.immediate
        for code in current.org_codes
        for p in plan_problems(county.seed, current.number, code, by_code[code].kind)
    ) + sum(r.outcome == "problem" for r in public_report_plan(county, current))
    total = len(tasks) + handed_over
    return {
        "clues_transferred": sum(c.target in TRANSFERRED for c in clues),
        "cases_filed": sum(o.case_filed for o in outcomes),
        "persons_sanctioned": sum(o.persons_sanctioned for o in outcomes),
        "organizational_handlings": sum(o.organizational_handlings for o in outcomes),
        "money_recovered_yuan": f"{sum(o.money_recovered_yuan for o in outcomes):.2f}",
        "institutions_built": sum(
            institution_count(county, plan, code)
            for plan in county.rounds[:4]
            for code in plan.org_codes
        ),
        "tasks_total": total,
        "tasks_accepted": accepted,
        "completion_rate": math.floor(accepted * 1000 / total) / 10,
    }


def _assert_clues(state: dict[str, Any], county: Any) -> None:
    """Every round's clues in the ledger at their planned stage: the closed rounds' closed,
    the rectifying round's concluded but one handled and one returned, the round on site now
    at every early stage; cadre-selection clues with 组织部, the rest with 纪委监委."""
    for plan in county.rounds:
        got = state["clues"][plan.number]
        wanted = clue_plan(county, plan)
        assert got["status"] == Counter(c.target for c in wanted)
        assert got["from_reports"] == 1
        moved = [c for c in wanted if c.target in TRANSFERRED]
        assert got["recipients"] == Counter(c.recipient for c in moved)
        assert got["priority"] == sum(c.priority for c in wanted)
    assert state["clues"][1]["status"] == {"closed": len(clue_plan(county, county.rounds[0]))}
    assert state["clues"][4]["status"]["returned"] == 1
    assert {"draft", "reviewed", "transferred", "accepted", "handling"} <= set(
        state["clues"][5]["status"]
    )
    assert sum(n["priority"] for n in state["clues"].values()) > 0


def _assert_rectification(state: dict[str, Any], county: Any, ids: dict[str, str]) -> None:
    """Plans submitted with every task filled in; the closed rounds' tasks all accepted,
    reported and disclosed, rated; the rectifying round part done, one org red-carded after
    two rejections, its finished orgs rated; the round on site now has hand-overs only."""
    tasks = _planned_tasks(county)
    for plan in county.rounds[:4]:
        got = state["rectification"][plan.number]
        mine = [o for n, _, o in tasks if n == plan.number]
        assert got["plans"] == {"submitted": len(plan.org_codes)}
        assert got["filled"] == len(mine) == sum(task_counts(county, plan).values())
        assert got["tasks"]["accepted"] == sum(o in (ACCEPTED, REJECTED_ONCE) for o in mine)
        assert got["tasks"].get("claimed", 0) == mine.count(CLAIMED)
        assert got["rejections"] == mine.count(REJECTED_ONCE) + 2 * mine.count(RED)
        built = sum(institution_count(county, plan, c) for c in plan.org_codes)
        assert got["institutions"] == built > 0
        if plan.target == "closed":
            assert got["tasks"] == {"accepted": len(mine)}
            assert got["reports"] == [["party", "public"]] * len(plan.org_codes)
            assert got["ratings"] == len(plan.org_codes)
            assert got["red"] == [] and got["cards"] == []
        else:
            assert got["tasks"]["open"] > 0 and got["tasks"]["claimed"] > 0
            assert got["reports"] == []
            assert got["ratings"] == len(finished_orgs(county, plan)) > 0
            red_code = red_org(county, plan)
            assert red_code is not None
            red = ids[red_code]
            assert got["red"] == [red] and got["cards"] == [("red", red)]
    past = [state["rectification"][n] for n in range(1, 5)]
    assert sum(r["kinds"]["long"] for r in past) > 0  # 长期坚持, with its own deadline
    current = state["rectification"][5]
    assert current["plans"] == {"awaiting_feedback": len(county.rounds[-1].org_codes)}
    assert set(current["kinds"]) == {"immediate"} and current["tasks"] == {
        "open": sum(current["kinds"].values())
    }


def _assert_figures(state: dict[str, Any], county: Any) -> None:
    """成绩单 for the term: what the demo implies, and none of it zero."""
    figures = state["figures"]
    want = _expected_figures(county)
    assert {k: figures[k] for k in want} == want
    solved = sum(r["accepted_livelihood"] for r in state["rectification"].values())
    assert figures["livelihood_problems_solved"] == solved
    for name in (*want, "livelihood_problems_solved", "problems_fed_back"):
        assert figures[name] not in (0, "0.00", None), name


def _grassroots(county: Any) -> dict[str, int]:
    return dict(
        Counter(o.kind.value for o in county.orgs if o.kind.value in {"village", "community"})
    )

"""The demo data: a small invented county loaded through the public APIs of the services
(routed by the embedded platform's dispatcher), counted back through the same APIs, and a
second run that adds nothing."""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from rich.console import Console
from rich.progress import Progress
from xuncha_shared.auth import Role

from xuncha.demo import SMALL, build_county, build_steps, load_demo
from xuncha.embedded import Dispatcher

pytestmark = pytest.mark.timeout(240)


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
        "villages": counts.json(),
        "coverage": coverage.json(),
    }


async def test_small_county_loads_through_the_apis_and_twice_adds_nothing(
    platform: Callable[..., Any], token: Callable[..., str]
) -> None:
    running = await platform("planning")
    dispatcher = Dispatcher(running.apps, FastAPI())
    office = token(Role.office)
    transport = httpx.ASGITransport(app=dispatcher)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        progress = Progress(console=Console(file=io.StringIO()))
        started = time.monotonic()
        result = await load_demo(client, token_for=token, progress=progress, size=SMALL)
        first_seconds = time.monotonic() - started

        county = build_county(0, size=SMALL, today=date.today())
        (task,) = progress.tasks
        assert task.total == sum(s.weight for s in build_steps(county))
        assert task.completed == task.total
        assert result.skipped == [] or set(result.skipped) <= {"calendar"}

        state = await _snapshot(client, office)
        assert state["orgs"] == {"township": 5, "department": 16, **_grassroots(county)}
        assert state["term"]["orgs_in_scope"] == len(county.orgs) == 41
        assert state["term"]["rounds"] == 5
        assert state["cadres"] == SMALL.pool
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

        # A second run finds everything in place and adds nothing.
        again = Progress(console=Console(file=io.StringIO()))
        second = await load_demo(client, token_for=token, progress=again, size=SMALL)
        assert second.ran == []
        assert again.tasks[0].completed == again.tasks[0].total
        assert await _snapshot(client, office) == state
    print(f"small county: first run {first_seconds:.1f} s, second {second.seconds:.1f} s")


def _grassroots(county: Any) -> dict[str, int]:
    return dict(
        Counter(o.kind.value for o in county.orgs if o.kind.value in {"village", "community"})
    )

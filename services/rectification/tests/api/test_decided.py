"""What the inspection or the office decided on a task the inspected org cannot change by
itself (plans.decided): a 立行立改 task's kind and deadline (the probe: turned into a
short-term task due 60 days out), making any task immediate, and once the plan is submitted
every task's kind, deadline and measures. Refused with a 403 naming the field and the change
request to file with the office instead; the counts by kind stay those findings fed back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    Place,
    auth,
    fed_back_county,
    fill_in,
    inspected,
    tasks_of,
)


@pytest.fixture
async def setup(platform: Any, db: Any, clock: Any) -> tuple[Any, Place]:
    return await fed_back_county(platform, db, clock)


async def patch(client: Any, tok: str, task: dict[str, Any], body: dict[str, Any]) -> Any:
    return await client.patch(
        f"{BASE}/tasks/{task['id']}",
        json=body,
        headers=auth(tok, **{"If-Match": f'"{task["version"]}"'}),
    )


def assert_decided(r: Any, field: str) -> None:
    assert r.status_code == 403, r.text
    problem = r.json()
    assert problem["field"] == field and problem["type"].endswith("/decided-by-office")
    assert "巡察办" in problem["message_zh"] and "office" in problem["message_en"]
    # It names the way to ask instead: a change request on the task (调整申请).
    route = "POST /api/rectification/tasks/{task_id}/change-requests"
    assert problem["change_request_route"] == route
    assert route in problem["message_zh"] and route in problem["message_en"]


async def kinds(client: Any, tok: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in await tasks_of(client, tok):
        out[t["kind"]] = out.get(t["kind"], 0) + 1
    return out


async def test_an_inspected_org_cannot_relax_its_immediate_task(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    immediate = next(t for t in await tasks_of(client, org) if t["immediate"])
    assert immediate["kind"] == "immediate"
    assert await kinds(client, org) == {"immediate": 1, "short": 2}
    later = (MONDAY + timedelta(days=60)).date().isoformat()

    # The probe: 立行立改 → short-term, due 60 days out.
    assert_decided(await patch(client, org, immediate, {"kind": "short", "due_on": later}), "kind")
    assert_decided(await patch(client, org, immediate, {"due_on": later}), "due_on")
    earlier = immediate["due_on"]
    # Sending what is already there is no change: the org fills in the rest.
    filled = await fill_in(client, org, immediate, kind="immediate", due_on=earlier)
    assert filled["version"] == immediate["version"] + 1 and filled["due_on"] == earlier

    (same,) = [t for t in await tasks_of(client, org) if t["id"] == immediate["id"]]
    assert (same["kind"], same["due_on"]) == ("immediate", earlier)
    # The counts stay what findings fed back: one immediate task of three.
    assert await kinds(client, org) == {"immediate": 1, "short": 2}
    office = token(Role.office, jurisdiction=place.jurisdiction)
    r = await client.get(f"{BASE}/tasks", params={"kind": "immediate"}, headers=auth(office))
    assert r.status_code == 200 and r.json()["total"] == 1


async def test_only_the_inspection_makes_a_task_immediate(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    task = next(t for t in await tasks_of(client, org) if not t["immediate"])
    assert_decided(await patch(client, org, task, {"kind": "immediate"}), "kind")
    # Drafting its plan, the org still chooses short or long and the deadline.
    long = await fill_in(client, org, task, kind="long", due_on="2026-12-31")
    assert (long["kind"], long["due_on"]) == ("long", "2026-12-31")


async def test_a_submitted_plan_fixes_kind_deadline_and_measures(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    tasks = [
        await fill_in(client, org, t, **({} if t["immediate"] else {"due_on": "2026-03-20"}))
        for t in await tasks_of(client, org)
    ]
    (plan,) = (await client.get(f"{BASE}/plans", headers=auth(org))).json()["items"]
    r = await client.post(
        f"{BASE}/plans/{plan['id']}/submit",
        headers=auth(org, **{"If-Match": f'"{plan["version"]}"'}),
    )
    assert r.status_code == 200, r.text
    task = next(t for t in tasks if not t["immediate"])
    for field, value in [("kind", "long"), ("due_on", "2026-06-30"), ("measures", "另行制定")]:
        assert_decided(await patch(client, org, task, {field: value}), field)
    # Who carries it out is still the org's to say.
    changed = await fill_in(client, org, task, responsible_person="李四")
    assert changed["responsible_person"] == "李四" and changed["due_on"] == "2026-03-20"

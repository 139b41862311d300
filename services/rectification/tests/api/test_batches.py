"""批量填写与批量验收: the org fills in every task of its plan in one request, a supervisor
accepts several claims in one; each item by the single-task rules, all or nothing, a refusal
naming the item (``tasks.2.due_on``)."""

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
    claim,
    fed_back_county,
    fill_in,
    inspected,
    tasks_of,
    types_in_outbox,
)

FILLED = {
    "measures": "制定整改措施，逐项销号",
    "responsible_person": "张三",
    "owner_account": "leader-li",
    "owner_name": "李副县长",
}


@pytest.fixture
async def setup(platform: Any, db: Any, clock: Any) -> tuple[Any, Place]:
    return await fed_back_county(platform, db, clock, town_b=True)


async def plan_of(client: Any, tok: str) -> dict[str, Any]:
    (plan,) = (await client.get(f"{BASE}/plans", headers=auth(tok))).json()["items"]
    return dict(plan)


def item(task: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"task_id": task["id"], "version": task["version"], **changes}


async def fill_all(client: Any, tok: str, plan: dict[str, Any], items: list[Any]) -> Any:
    return await client.patch(
        f"{BASE}/plans/{plan['id']}/tasks", json={"tasks": items}, headers=auth(tok)
    )


def refused(r: Any, status: int, field: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    problem: dict[str, Any] = r.json()
    assert problem["field"] == field, problem
    return problem


async def test_the_org_fills_in_its_whole_plan_at_once_and_submits_it(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    plan = await plan_of(client, org)
    tasks = await tasks_of(client, org)
    later = (MONDAY + timedelta(days=40)).date().isoformat()
    items = [item(t, **FILLED, **({} if t["immediate"] else {"due_on": later})) for t in tasks]
    r = await fill_all(client, org, plan, items)
    assert r.status_code == 200, r.text
    assert [t["id"] for t in r.json()] == [t["id"] for t in tasks]
    after = {t["id"]: t for t in await tasks_of(client, org)}
    for before in tasks:
        now = after[before["id"]]
        assert now["version"] == before["version"] + 1
        assert (now["measures"], now["owner_account"]) == ("制定整改措施，逐项销号", "leader-li")
        assert now["due_on"] == (before["due_on"] if before["immediate"] else later)
    r = await client.post(
        f"{BASE}/plans/{plan['id']}/submit",
        headers=auth(org, **{"If-Match": f'"{plan["version"]}"'}),
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted", r.text


async def test_one_refused_task_refuses_the_batch_naming_it(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    plan = await plan_of(client, org)
    tasks = await tasks_of(client, org)
    immediate = next(i for i, t in enumerate(tasks) if t["immediate"])
    later = (MONDAY + timedelta(days=60)).date().isoformat()
    items = [item(t, **FILLED) for t in tasks]
    # The probe of the single edit, inside a batch: the 立行立改 task's deadline relaxed.
    items[immediate]["due_on"] = later
    problem = refused(await fill_all(client, org, plan, items), 403, f"tasks.{immediate}.due_on")
    assert problem["message_zh"].startswith(f"第 {immediate + 1} 项：")
    # A stale version, and a bad deadline, name their item too.
    items = [item(t, **FILLED) for t in tasks]
    items[-1]["version"] -= 1 if items[-1]["version"] > 1 else -1
    refused(await fill_all(client, org, plan, items), 412, f"tasks.{len(items) - 1}.version")
    items = [item(t, **FILLED) for t in tasks]
    short = next(i for i, t in enumerate(tasks) if not t["immediate"])
    items[short]["due_on"] = "2019-01-01"
    refused(await fill_all(client, org, plan, items), 422, f"tasks.{short}.due_on")
    # Nothing of any refused batch was written.
    assert [(t["version"], t["measures"]) for t in await tasks_of(client, org)] == [
        (t["version"], t["measures"]) for t in tasks
    ]


async def test_a_batch_holds_only_the_plans_own_tasks_once_each(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    plan = await plan_of(client, org)
    tasks = await tasks_of(client, org)
    (elsewhere,) = await tasks_of(client, inspected(token, place, "town_b"))
    r = await fill_all(client, org, plan, [item(tasks[0], **FILLED), item(elsewhere, **FILLED)])
    refused(r, 404, "tasks.1.task_id")
    r = await fill_all(client, org, plan, [item(tasks[0], **FILLED), item(tasks[0], **FILLED)])
    problem = refused(r, 422, "tasks.1.task_id")
    assert problem["message_zh"] == "第 2 项：与第 1 项是同一项任务"
    refused(await fill_all(client, org, plan, []), 422, "tasks")
    # Town B's own party organization does not see town A's plan; the office fills in nothing.
    other = inspected(token, place, "town_b")
    refused(await fill_all(client, other, plan, [item(tasks[0], **FILLED)]), 404, "plan_id")
    office = token(Role.office, jurisdiction=place.jurisdiction)
    r = await fill_all(client, office, plan, [item(tasks[0], **FILLED)])
    assert r.status_code == 403, r.text


async def accept_all(client: Any, tok: str, tasks: list[dict[str, Any]]) -> Any:
    body = {"tasks": [item(t) for t in tasks], "comment": "经现场核查，同意销号"}
    return await client.post(f"{BASE}/acceptances", json=body, headers=auth(tok))


async def test_a_supervisor_accepts_several_claims_at_once(
    setup: tuple[Any, Place], token: Any, db: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    tasks = [await fill_in(client, org, t) for t in await tasks_of(client, org)]
    claimed = [await claim(client, org, t) for t in tasks[:2]]
    discipline = token(Role.discipline, jurisdiction=place.jurisdiction)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    elsewhere = token(Role.discipline, jurisdiction="410883")

    assert (await accept_all(client, office, claimed)).status_code == 403
    refused(await accept_all(client, elsewhere, claimed), 404, "tasks.0.task_id")
    # The third task is not claimed: the batch is refused, naming it, and nothing accepted.
    problem = refused(await accept_all(client, discipline, [*claimed, tasks[2]]), 409, "tasks.2")
    assert problem["type"].endswith("/task-not-claimed")
    assert {t["status"] for t in await tasks_of(client, org)} == {"claimed", "open"}
    before = (await types_in_outbox(db)).count("task.accepted.v1")

    r = await accept_all(client, discipline, claimed)
    assert r.status_code == 200, r.text
    assert [(t["id"], t["status"]) for t in r.json()] == [(t["id"], "accepted") for t in claimed]
    assert (await types_in_outbox(db)).count("task.accepted.v1") == before + 2
    # Sent again (a retry after a lost answer): the tasks are no longer claimed.
    refused(await accept_all(client, discipline, claimed), 412, "tasks.0.version")

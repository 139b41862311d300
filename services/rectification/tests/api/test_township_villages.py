"""温县: a township answers directly for its villages' rectification. An inspected township
reads the plans and tasks of the villages and communities under it (never fills them in) and
reminds them (催办); a village sees neither its township's nor a sibling's; the office reminds
too. A reminder is recorded in the task's history and told to the village by an event."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.events.findings import FeedbackIssued
from xuncha_shared.orgs import OrgKind

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    Place,
    auth,
    claim,
    county,
    deliver,
    feedback,
    fill_in,
    problem,
    tasks_of,
)


async def _village(db: Any, place: Place, key: str, parent: str, kind: str = "village") -> None:
    org_id, assignment_id = uuid.uuid4(), uuid.uuid4()
    place.orgs[key] = org_id
    place.assignment_ids[key] = assignment_id
    await db.execute(
        """INSERT INTO rectification.orgs (id, jurisdiction, code, name, kind, parent_id,
               active, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, true, 1, $7)""",
        org_id,
        place.jurisdiction,
        f"v-{key}",
        f"{key}村党支部",
        kind,
        place.orgs[parent],
        MONDAY,
    )
    await db.execute(
        """INSERT INTO rectification.assignments (id, round_id, group_id, org_id, org_kind,
               org_jurisdiction, inspecting_jurisdiction, active)
           VALUES ($1, $2, $3, $4, $5, $6, $6, true)""",
        assignment_id,
        place.round_id,
        uuid.uuid4(),
        org_id,
        kind,
        place.jurisdiction,
    )


def _village_feedback(place: Place, key: str, n: int) -> FeedbackIssued:
    return feedback(place, key, [problem() for _ in range(n)], at=MONDAY).model_copy(
        update={"org_kind": OrgKind.village}
    )


@dataclass
class World:
    client: Any
    app: Any
    tok: dict[str, str]
    place: Place


@pytest.fixture
async def world(platform: Any, db: Any, token: Any, clock: Any) -> World:
    clock.set(MONDAY)
    running = await platform("rectification", scheduler_enabled=False)
    place = await county(db)
    await _village(db, place, "a1", "town_a")
    await _village(db, place, "a2", "town_a", kind="community")
    await _village(db, place, "b1", "town_b")
    await deliver(
        running.apps["rectification"],
        feedback(place, "town_a", [problem()], at=MONDAY),
        _village_feedback(place, "a1", 3),
        _village_feedback(place, "a2", 1),
        _village_feedback(place, "b1", 1),
    )
    j = place.jurisdiction

    def org(key: str) -> str:
        return str(token(Role.inspected, jurisdiction=j, org_id=place.org(key), subject=key))

    tok = {k: org(k) for k in ("town_a", "town_b", "a1", "a2", "b1")}
    tok["office"] = token(Role.office, jurisdiction=j, subject="office-zhang")
    # A department whose id happened to be a village's parent is not a township.
    tok["department_a"] = token(
        Role.department, jurisdiction=j, org_id=place.org("town_a"), subject="dept"
    )
    return World(running.client("rectification"), running.apps["rectification"], tok, place)


def _orgs(items: list[dict[str, Any]]) -> set[str]:
    return {i["org_id"] for i in items}


async def test_a_township_reads_its_villages_plans_and_tasks_only(world: World) -> None:
    c, tok, place = world.client, world.tok, world.place
    r = await c.get(f"{BASE}/plans", headers=auth(tok["town_a"]))
    assert r.status_code == 200, r.text
    own_and_villages = {place.org("town_a"), place.org("a1"), place.org("a2")}
    assert _orgs(r.json()["items"]) == own_and_villages
    assert _orgs(await tasks_of(c, tok["town_a"])) == own_and_villages
    assert len(await tasks_of(c, tok["town_a"], org_id=place.org("a1"))) == 3
    # Another township's village and another township are not its own.
    assert await tasks_of(c, tok["town_a"], org_id=place.org("b1")) == []
    assert _orgs(await tasks_of(c, tok["town_b"])) == {place.org("b1")}
    (b1_task,) = await tasks_of(c, tok["b1"])
    (a1_plan,) = (await c.get(f"{BASE}/plans", headers=auth(tok["a1"]))).json()["items"]
    r = await c.get(f"{BASE}/tasks/{b1_task['id']}", headers=auth(tok["town_a"]))
    assert r.status_code == 404
    r = await c.get(f"{BASE}/plans/{a1_plan['id']}", headers=auth(tok["town_a"]))
    assert r.status_code == 200 and r.json()["org_id"] == place.org("a1")
    r = await c.get(f"{BASE}/plans/{a1_plan['id']}", headers=auth(tok["town_b"]))
    assert r.status_code == 404

    # A village sees its own only: not its township's, not a sibling's.
    assert _orgs(await tasks_of(c, tok["a1"])) == {place.org("a1")}
    (town_task,) = await tasks_of(c, tok["town_a"], org_id=place.org("town_a"))
    (a2_task,) = await tasks_of(c, tok["a2"])
    for task in (town_task, a2_task):
        r = await c.get(f"{BASE}/tasks/{task['id']}", headers=auth(tok["a1"]))
        assert r.status_code == 404
    # A department is not a township, whatever its org.
    r = await c.get(f"{BASE}/plans", headers=auth(tok["department_a"]))
    assert r.status_code == 403

    # Read only: the township never fills in its village's task.
    (a1_task, *_) = await tasks_of(c, tok["a1"])
    r = await c.patch(
        f"{BASE}/tasks/{a1_task['id']}",
        json={"measures": "乡镇代填"},
        headers=auth(tok["town_a"], **{"If-Match": f'"{a1_task["version"]}"'}),
    )
    assert r.status_code == 403
    r = await c.post(
        f"{BASE}/tasks/{a1_task['id']}/progress",
        json={"reported_on": "2026-03-02", "text": "乡镇代报"},
        headers=auth(tok["town_a"]),
    )
    assert r.status_code == 403
    r = await c.get(f"{BASE}/tasks/{a1_task['id']}/progress", headers=auth(tok["town_a"]))
    assert r.status_code == 200


async def test_a_township_reminds_its_village_and_the_village_sees_it(
    world: World, db: Any, clock: Any
) -> None:
    c, tok, place = world.client, world.tok, world.place
    tasks = [await fill_in(c, tok["a1"], t) for t in await tasks_of(c, tok["a1"])]
    clock.set(MONDAY + timedelta(days=200))
    (late, *_) = await tasks_of(c, tok["town_a"], org_id=place.org("a1"), overdue=True)
    assert late["overdue"] is True

    url = f"{BASE}/tasks/{late['id']}/reminders"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"note": "该任务已逾期，请于本周内报送整改进展。"}
    r = await c.post(url, json=body, headers=auth(tok["town_a"], **key))
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["kind"] == "remind" and entry["text"] == body["note"]
    assert entry["by"] == "town_a"
    # A double click is one reminder.
    again = await c.post(url, json=body, headers=auth(tok["town_a"], **key))
    assert again.status_code == 201 and again.json()["id"] == entry["id"]

    # The village sees it in its task's history.
    r = await c.get(f"{BASE}/tasks/{late['id']}/progress", headers=auth(tok["a1"]))
    assert [e["id"] for e in r.json() if e["kind"] == "remind"] == [entry["id"]]
    rows = await db.fetch(
        "SELECT envelope FROM rectification.outbox WHERE type LIKE '%task.reminded%'"
    )
    assert len(rows) == 1, "one event for the one reminder"
    data = json.loads(rows[0]["envelope"])["data"]
    assert data["org_id"] == place.org("a1") and data["reminding_org_id"] == place.org("town_a")
    assert data["reminder_from_zh"] == "第1镇党委" and data["overdue"] is True

    # Another township, a village itself, a department: no.
    r = await c.post(url, json={}, headers=auth(tok["town_b"]))
    assert r.status_code == 404
    for who in ("a1", "a2"):
        r = await c.post(url, json={}, headers=auth(tok[who]))
        assert r.status_code in (403, 404), (who, r.text)
    # The office reminds too, with the default note; a too long note is refused in place.
    r = await c.post(url, json={}, headers=auth(tok["office"]))
    assert r.status_code == 201 and r.json()["text"]
    r = await c.post(url, json={"note": "催" * 501}, headers=auth(tok["office"]))
    assert r.status_code == 422 and r.json()["field"] == "note"

    # A task claimed done waits for acceptance: nothing to remind.
    claimed = await claim(c, tok["a1"], tasks[1])
    r = await c.post(
        f"{BASE}/tasks/{claimed['id']}/reminders", json={}, headers=auth(tok["town_a"])
    )
    assert r.status_code == 409 and r.json()["type"].endswith("/task-not-open")

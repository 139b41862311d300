"""A county leader's sector (分管): the orgs whose leader in charge is his account, as the
org projection holds it from planning's events; he reads their plans and tasks, never
changes them, and sees nothing of the other orgs."""

from __future__ import annotations

from typing import Any

from xuncha_shared.auth import Role
from xuncha_shared.events.planning import OrgUpdated
from xuncha_shared.orgs import OrgKind

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    OTHER,
    Place,
    auth,
    county,
    deliver,
    feedback,
    fill_in,
    inspected,
    problem,
    tasks_of,
)


def in_charge(place: Place, org: str, account: str | None, version: int) -> OrgUpdated:
    i = ord(org[-1]) - ord("a")
    return OrgUpdated(
        jurisdiction=place.jurisdiction,
        org_id=place.orgs[org],
        code=f"{place.jurisdiction}-9-{i:03d}",
        name=f"第{i + 1}镇党委",
        kind=OrgKind.township,
        version=version,
        leader_account=account,
    )


async def test_a_leader_reads_his_sector_and_nothing_else(
    platform: Any, db: Any, token: Any, clock: Any
) -> None:
    clock.set(MONDAY)
    running = await platform("rectification", scheduler_enabled=False)
    app = running.apps["rectification"]
    client = running.client("rectification")
    place = await county(db)
    other = await county(db, OTHER, orgs=1)
    await deliver(
        app,
        feedback(place, "town_a", [problem(), problem()], at=MONDAY),
        feedback(place, "town_b", [problem()], at=MONDAY),
        feedback(place, "town_c", [problem()], at=MONDAY),
        feedback(other, "town_a", [problem()], at=MONDAY),
        in_charge(place, "town_a", "leader-zhao", 2),
        in_charge(place, "town_b", "leader-zhao", 2),
        in_charge(other, "town_a", "leader-zhao", 2),  # another county's org: never his
    )
    row = await db.fetchrow(
        "SELECT leader_account, version FROM rectification.orgs WHERE id = $1",
        place.orgs["town_a"],
    )
    assert (row["leader_account"], row["version"]) == ("leader-zhao", 2)
    # Anyone of the county reads the projection; a leader finds his sector there.
    office = token(Role.office, jurisdiction=place.jurisdiction)
    r = await client.get(f"{BASE}/orgs", headers=auth(office))
    leaders = {o["id"]: o["leader_account"] for o in r.json()["items"]}
    assert leaders == {
        place.org("town_a"): "leader-zhao",
        place.org("town_b"): "leader-zhao",
        place.org("town_c"): None,
    }
    # Town c's own leader owns one of its tasks (领办).
    town_c = inspected(token, place, "town_c")
    (task_c,) = await tasks_of(client, town_c)
    await fill_in(client, town_c, task_c, owner_account="leader-qian")

    zhao = token(Role.leader, jurisdiction=place.jurisdiction, subject="leader-zhao")
    qian = token(Role.leader, jurisdiction=place.jurisdiction, subject="leader-qian")
    r = await client.get(f"{BASE}/plans", headers=auth(zhao))
    assert r.status_code == 200, r.text
    assert {p["org_id"] for p in r.json()["items"]} == {place.org("town_a"), place.org("town_b")}
    tasks = await tasks_of(client, zhao)
    assert sorted(t["org_id"] for t in tasks) == sorted(
        [place.org("town_a")] * 2 + [place.org("town_b")]
    )
    completion = (await client.get(f"{BASE}/completion", headers=auth(zhao))).json()
    assert completion["total"] == 3
    # Read only: the org fills its plan in, not the leader in charge.
    task = tasks[0]
    r = await client.get(f"{BASE}/tasks/{task['id']}", headers=auth(zhao))
    assert r.status_code == 200
    r = await client.patch(
        f"{BASE}/tasks/{task['id']}",
        json={"measures": "改"},
        headers=auth(zhao, **{"If-Match": f'"{task["version"]}"'}),
    )
    assert r.status_code == 403
    # Outside his sector: as good as missing; the owner of one task sees that task only.
    (plan_c,) = (
        await client.get(f"{BASE}/plans", headers=auth(inspected(token, place, "town_c")))
    ).json()["items"]
    r = await client.get(f"{BASE}/plans/{plan_c['id']}", headers=auth(zhao))
    assert r.status_code == 404
    r = await client.get(f"{BASE}/tasks/{task_c['id']}", headers=auth(zhao))
    assert r.status_code == 404
    assert [t["id"] for t in await tasks_of(client, qian)] == [task_c["id"]]

    # An older snapshot does not undo the newer one; a newer one without him ends it.
    await deliver(app, in_charge(place, "town_b", None, 1), in_charge(place, "town_a", None, 3))
    r = await client.get(f"{BASE}/plans", headers=auth(zhao))
    assert {p["org_id"] for p in r.json()["items"]} == {place.org("town_b")}


def test_an_event_without_a_leader_still_reads() -> None:
    event = OrgUpdated.model_validate(
        {
            "jurisdiction": "410825",
            "org_id": "8d3b9a2e-1a3f-4b7e-9a55-3c2f1e0d9b71",
            "code": "410825001",
            "name": "城关镇党委",
            "kind": "township",
            "version": 2,
        }
    )
    assert event.leader_account is None

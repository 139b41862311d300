"""Notifications by role as well as org: two accounts of the same org with different roles;
the one a notification is meant for sees it (list, count, stream, read marks), the other
does not (404 for the item and its read mark); the rule may name other roles."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from xuncha_shared.auth import Role
from xuncha_shared.events.clues import ClueReminderIssued
from xuncha_shared.events.rectification import RectificationDueSoon
from xuncha_shared.testing.contracts import sample_event
from xuncha_shared.testing.serving import serving

from services.notify.tests.api.factories import BASE, J, apply, auth, cloud, inbox


async def test_an_org_notification_reaches_only_the_roles_it_is_meant_for(
    platform: Any, token: Any, clock: Any
) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    org = uuid.uuid4()
    # The same org: its own (inspected) account, and a colleague whose token carries the
    # org in a department role (the org is a county department, inspected this round).
    contact = token(Role.inspected, org_id=str(org), subject="org-contact", jurisdiction=J)
    colleague = token(Role.department, org_id=str(org), subject="org-dept", jurisdiction=J)

    # A rectification deadline is meant for the inspected org's accounts ...
    due = sample_event(RectificationDueSoon, jurisdiction=J, org_id=org, owner_accounts=[])
    await apply(runtime, cloud(due, at=clock.now()))
    # ... a clue reminder for the recipient as a department.
    reminder = sample_event(
        ClueReminderIssued, jurisdiction=J, recipient_org_id=org, keeper_account="keeper"
    )
    await apply(runtime, cloud(reminder, at=clock.now()))

    mine = await inbox(notify, contact)
    assert [i["event_type"] for i in mine] == [RectificationDueSoon.type]
    assert mine[0]["roles"] == ["inspected"]
    theirs = await inbox(notify, colleague)
    assert [i["event_type"] for i in theirs] == [ClueReminderIssued.type]
    assert theirs[0]["roles"] == ["department", "discipline", "organization"]

    for bearer in (contact, colleague):
        r = await notify.get(f"{BASE}/inbox/unread-count", headers=auth(bearer))
        assert r.json() == {"unread": 1}
    # The other's item is as good as missing: reading it, marking it read.
    for bearer, item in ((colleague, mine[0]), (contact, theirs[0])):
        r = await notify.get(f"{BASE}/inbox/{item['id']}", headers=auth(bearer))
        assert r.status_code == 404
        assert r.json()["field"] == "notification_id"
        r = await notify.post(f"{BASE}/inbox/{item['id']}/read", headers=auth(bearer))
        assert r.status_code == 404
    r = await notify.post(f"{BASE}/inbox/read-all", headers=auth(colleague))
    assert r.json() == {"marked": 1}
    r = await notify.get(f"{BASE}/inbox/unread-count", headers=auth(contact))
    assert r.json() == {"unread": 1}
    r = await notify.get(f"{BASE}/inbox/export.xlsx", headers=auth(colleague))
    assert r.status_code == 200

    # A token with the org but no role the notifications are meant for sees nothing.
    group = token(Role.group, org_id=str(org), subject="seconded", jurisdiction=J)
    assert await inbox(notify, group) == []
    r = await notify.get(f"{BASE}/inbox/unread-count", headers=auth(group))
    assert r.json() == {"unread": 0}


async def test_a_rule_names_the_roles_of_an_org_audience(
    platform: Any, token: Any, clock: Any
) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    office = token(Role.office, jurisdiction=J)
    rule = {
        "event_type": RectificationDueSoon.type,
        "audiences": [{"kind": "org", "field": "org_id", "roles": ["inspected", "leader"]}],
    }
    r = await notify.put(f"{BASE}/rules/deadline-due-soon", json=rule, headers=auth(office))
    assert r.status_code in (200, 201), r.text
    assert r.json()["audiences"] == [
        {"kind": "org", "role": None, "field": "org_id", "roles": ["inspected", "leader"]}
    ]
    # A rule saved without roles reads with the roles its field means.
    r = await notify.get(f"{BASE}/rules/plan-opened", headers=auth(office))
    assert r.json()["audiences"][0]["roles"] == ["inspected"]
    # Roles on a role audience, or an inspected role for a clue's recipient: 422 naming it.
    bad = {"event_type": RectificationDueSoon.type,
           "audiences": [{"kind": "role", "role": "office", "roles": ["office"]}]}  # fmt: skip
    r = await notify.put(f"{BASE}/rules/bad-one", json=bad, headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "audiences.0.roles"
    recipient = {"kind": "org", "field": "recipient_org_id", "roles": ["inspected"]}
    clue = {"event_type": ClueReminderIssued.type, "audiences": [recipient]}
    r = await notify.put(f"{BASE}/rules/bad-two", json=clue, headers=auth(office))
    assert r.status_code == 422 and r.json()["type"].endswith("/clue-confidential")
    assert r.json()["field"] == "audiences.0.roles"

    org = uuid.uuid4()
    due = sample_event(RectificationDueSoon, jurisdiction=J, org_id=org, owner_accounts=[])
    await apply(runtime, cloud(due, at=clock.now()))
    leader = token(Role.leader, org_id=str(org), subject="org-leader", jurisdiction=J)
    assert len(await inbox(notify, leader)) == 1
    dept = token(Role.department, org_id=str(org), subject="org-dept", jurisdiction=J)
    assert await inbox(notify, dept) == []


async def test_the_live_stream_pushes_only_what_is_meant_for_the_viewers_roles(
    platform: Any, token: Any, clock: Any
) -> None:
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, stream_poll_seconds=0.1
    )
    app = running.apps["notify"]
    runtime = app.state.runtime
    org = uuid.uuid4()
    colleague = token(Role.department, org_id=str(org), subject="org-dept", jurisdiction=J)
    received: list[dict[str, Any]] = []
    async with (
        serving(app) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=30) as client,
        client.stream(
            "GET", f"{BASE}/inbox/stream", params={"limit": 1}, headers=auth(colleague)
        ) as response,
    ):
        lines = response.aiter_lines()
        assert (await anext(lines)).startswith(": connected")
        # First one meant for the inspected org's accounts (not pushed), then a clue's.
        due = sample_event(RectificationDueSoon, jurisdiction=J, org_id=org, owner_accounts=[])
        await apply(runtime, cloud(due, at=clock.now()))
        reminder = sample_event(
            ClueReminderIssued, jurisdiction=J, recipient_org_id=org, keeper_account="keeper"
        )
        await apply(runtime, cloud(reminder, at=clock.now()))
        async with asyncio.timeout(20):
            async for line in lines:
                if line.startswith("data: "):
                    received.append(json.loads(line.removeprefix("data: ")))
    assert [r["event_type"] for r in received] == [ClueReminderIssued.type]

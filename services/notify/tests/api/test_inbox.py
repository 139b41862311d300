"""The inbox: filters, cursor pages, unread count, mark read (one, all), read state per
account, and the live stream read with httpx from a real server."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
from xuncha_shared.auth import Role
from xuncha_shared.events.findings import FeedbackIssued, ProblemHandedOver
from xuncha_shared.events.rectification import PlanOpened
from xuncha_shared.testing.contracts import sample_event
from xuncha_shared.testing.serving import serving

from services.notify.tests.api.factories import BASE, J, apply, auth, cloud, inbox


async def test_filters_pages_and_read_state(platform: Any, token: Any, clock: Any) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    town = uuid.uuid4()
    first = clock.now()
    for cls in (FeedbackIssued, ProblemHandedOver, PlanOpened, ProblemHandedOver):
        clock.advance(timedelta(hours=1))
        event = sample_event(cls, jurisdiction=J, org_id=town)
        if cls is FeedbackIssued:
            event = sample_event(cls, jurisdiction=J, org_id=town, copied_to_org_ids=[])
        await apply(runtime, cloud(event, at=clock.now()))
    secretary = token(Role.inspected, org_id=str(town), subject="town-secretary", jurisdiction=J)
    deputy = token(Role.inspected, org_id=str(town), subject="town-deputy", jurisdiction=J)

    items = await inbox(notify, secretary)
    assert [i["event_type"].split(".")[2] for i in items] == [
        "problem", "plan", "problem", "feedback",
    ]  # fmt: skip
    assert items[-1]["link"].startswith("/api/findings/assignments/")
    assert items[-1]["link"].endswith("/feedback")
    assert all(not i["read"] for i in items)
    handed = await inbox(notify, secretary, event_type=ProblemHandedOver.type)
    assert len(handed) == 2
    window = await inbox(
        notify,
        secretary,
        since=(first + timedelta(hours=1, minutes=30)).isoformat(),
        until=(first + timedelta(hours=3, minutes=30)).isoformat(),
    )
    assert [i["event_type"] for i in window] == [PlanOpened.type, ProblemHandedOver.type]

    # Pages of two.
    r = await notify.get(f"{BASE}/inbox", params={"limit": 2}, headers=auth(secretary))
    page1 = r.json()
    assert page1["total"] == 4 and len(page1["items"]) == 2 and page1["next_cursor"]
    r = await notify.get(
        f"{BASE}/inbox",
        params={"limit": 2, "cursor": page1["next_cursor"]},
        headers=auth(secretary),
    )
    page2 = r.json()
    assert page2["next_cursor"] is None
    assert [i["id"] for i in page1["items"] + page2["items"]] == [i["id"] for i in items]

    # Read state is per account.
    r = await notify.post(f"{BASE}/inbox/{items[0]['id']}/read", headers=auth(secretary))
    assert r.status_code == 200 and r.json()["read"] is True
    r = await notify.get(f"{BASE}/inbox/unread-count", headers=auth(secretary))
    assert r.json() == {"unread": 3}
    r = await notify.get(f"{BASE}/inbox/unread-count", headers=auth(deputy))
    assert r.json() == {"unread": 4}
    assert len(await inbox(notify, secretary, unread="true")) == 3
    assert len(await inbox(notify, secretary, unread="false")) == 1
    r = await notify.post(f"{BASE}/inbox/read-all", headers=auth(secretary))
    assert r.json() == {"marked": 3}
    r = await notify.get(f"{BASE}/inbox/unread-count", headers=auth(secretary))
    assert r.json() == {"unread": 0}

    # Someone else's item is as good as missing.
    stranger = token(Role.inspected, org_id=str(uuid.uuid4()), jurisdiction=J)
    r = await notify.post(f"{BASE}/inbox/{items[0]['id']}/read", headers=auth(stranger))
    assert r.status_code == 404
    r = await notify.get(f"{BASE}/inbox/{items[0]['id']}", headers=auth(stranger))
    assert r.status_code == 404
    backwards = {"since": "2026-03-02T00:00:00+08:00", "until": "2026-03-01T00:00:00+08:00"}
    r = await notify.get(f"{BASE}/inbox", params=backwards, headers=auth(secretary))
    assert r.status_code == 422

    office = token(Role.office, jurisdiction=J)
    r = await notify.get(f"{BASE}/notifications", headers=auth(office))
    assert r.json()["total"] == 4
    r = await notify.get(f"{BASE}/notifications/export.xlsx", headers=auth(office))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = await notify.get(f"{BASE}/notifications", headers=auth(secretary))
    assert r.status_code == 403


async def test_live_stream_pushes_new_items_for_the_signed_in_user(
    platform: Any, token: Any, clock: Any
) -> None:
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, stream_poll_seconds=0.1
    )
    app = running.apps["notify"]
    runtime = app.state.runtime
    town, other = uuid.uuid4(), uuid.uuid4()
    await apply(
        runtime, cloud(sample_event(PlanOpened, jurisdiction=J, org_id=town), at=clock.now())
    )
    secretary = token(Role.inspected, org_id=str(town), subject="sec", jurisdiction=J)
    received: list[dict[str, Any]] = []
    async with (
        serving(app) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=30) as client,
        client.stream(
            "GET", f"{BASE}/inbox/stream", params={"limit": 2}, headers=auth(secretary)
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.aiter_lines()
        assert (await anext(lines)).startswith(": connected")
        # Only what arrives after connecting; someone else's item is not pushed.
        for org in (other, town, town):
            event = sample_event(ProblemHandedOver, jurisdiction=J, org_id=org)
            await apply(runtime, cloud(event, at=clock.now()))
        async with asyncio.timeout(20):
            async for line in lines:
                if line.startswith("data: "):
                    received.append(json.loads(line.removeprefix("data: ")))
    assert [r["event_type"] for r in received] == [ProblemHandedOver.type] * 2
    assert all(r["audience_value"] == str(town) for r in received)
    assert received[0]["seq"] < received[1]["seq"]


async def test_live_stream_ends_when_the_callers_token_expires(platform: Any, token: Any) -> None:
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, stream_poll_seconds=0.5
    )
    town = uuid.uuid4()
    short_lived = token(Role.inspected, org_id=str(town), jurisdiction=J, ttl=timedelta(seconds=2))
    async with (
        serving(running.apps["notify"]) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=30) as client,
    ):
        started = time.monotonic()
        async with asyncio.timeout(15):
            # Asked to stay open ten minutes, it ends with the token.
            async with client.stream(
                "GET", f"{BASE}/inbox/stream", params={"timeout": 600}, headers=auth(short_lived)
            ) as response:
                assert response.status_code == 200
                lines = [line async for line in response.aiter_lines()]
        elapsed = time.monotonic() - started
        assert ": token expired" in lines
        # exp has a one-second resolution: the stream ends within it, not a poll later.
        assert 0.5 < elapsed < 3.2, elapsed

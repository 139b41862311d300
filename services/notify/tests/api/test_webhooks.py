"""Webhooks against a real HTTP receiver: signed per the Standard Webhooks spec, retried with
backoff until it answers, exactly one accepted delivery; dead letters the office replays;
the delivery log per subscription."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

from cryptography.fernet import Fernet
from notify.delivery.backoff import longest_wait
from notify.webhooks.signing import verify
from openpyxl import load_workbook
from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role
from xuncha_shared.events.planning import ConsultationRequested
from xuncha_shared.testing.contracts import sample_event
from xuncha_shared.testing.serving import serving

from services.notify.tests.api.factories import (
    BASE,
    LOOPBACK_RECEIVERS,
    J,
    Receiver,
    apply,
    auth,
    cloud,
    registered_cast,
)


async def subscribe(notify: Any, bearer: str, url: str, **body: Any) -> dict[str, Any]:
    r = await notify.post(f"{BASE}/subscriptions", json={"url": url, **body}, headers=auth(bearer))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_receiver_failing_three_times_gets_the_delivery_once(
    platform: Any, token: Any, clock: Any, db: Any
) -> None:
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, **LOOPBACK_RECEIVERS
    )
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    settings = runtime.settings
    cast = await registered_cast(running.apps["notify"].state.runtime)
    office = token(Role.office, jurisdiction=J)
    receiver = Receiver(fail_first=3)
    async with serving(receiver.app()) as base_url:
        sub = await subscribe(
            notify, office, f"{base_url}/hook", org_id=str(cast.org["discipline"])
        )
        assert sub["secret"].startswith("whsec_")
        r = await notify.get(f"{BASE}/subscriptions/{sub['id']}", headers=auth(office))
        assert "secret" not in r.json()

        event = sample_event(
            ConsultationRequested, jurisdiction=J, department_org_id=cast.org["discipline"]
        )
        ce = cloud(event, at=clock.now())
        assert await apply(runtime, ce)
        assert not await apply(runtime, ce)  # a redelivery: no second delivery
        # Recorded before it is sent: one pending delivery, nothing sent yet.
        rows = await db.fetch("SELECT status, attempts FROM notify.deliveries")
        assert [(r["status"], r["attempts"]) for r in rows] == [("pending", 0)]
        assert receiver.requests == []

        for attempt in range(1, 8):
            await run_periodic_once(runtime)
            await run_periodic_once(runtime)  # a second run before the retry time sends nothing
            clock.advance(
                longest_wait(
                    attempt,
                    base_seconds=settings.retry_base_seconds,
                    max_seconds=settings.retry_max_seconds,
                )
            )
        assert len(receiver.requests) == 4
        assert len(receiver.accepted) == 1

    ids = {h["webhook-id"] for h, _ in receiver.requests}
    assert len(ids) == 1
    for headers, body in receiver.requests:
        assert verify(
            sub["secret"],
            headers["webhook-id"],
            headers["webhook-timestamp"],
            body,
            headers["webhook-signature"],
        )
    payload = json.loads(next(iter(receiver.accepted.values())))
    assert payload["event_id"] == str(ce.id)
    assert payload["event_type"] == ConsultationRequested.type
    assert payload["org_id"] == str(cast.org["discipline"])
    assert payload["title"].startswith("巡前函询")
    assert payload["data"]["department_org_id"] == str(cast.org["discipline"])

    r = await notify.get(f"{BASE}/subscriptions/{sub['id']}/deliveries", headers=auth(office))
    assert r.status_code == 200
    (delivery,) = r.json()["items"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 4
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 500, 500, 204]
    assert delivery["attempt_log"][0]["error"].startswith("HTTP 500")
    # The department sees its own log too.
    dept = token(Role.discipline, org_id=str(cast.org["discipline"]), jurisdiction=J)
    r = await notify.get(f"{BASE}/subscriptions/{sub['id']}/deliveries", headers=auth(dept))
    assert r.status_code == 200 and r.json()["total"] == 1
    other = token(Role.department, org_id=str(cast.org["audit"]), jurisdiction=J)
    r = await notify.get(f"{BASE}/subscriptions/{sub['id']}/deliveries", headers=auth(other))
    assert r.status_code == 404


async def test_dead_letters_are_listed_and_replayed(
    platform: Any, token: Any, clock: Any, db: Any
) -> None:
    running = await platform(
        "notify",
        scheduler_enabled=False,
        consumers_enabled=False,
        max_attempts=2,
        **LOOPBACK_RECEIVERS,
        secret_keys=[Fernet.generate_key().decode()],
    )
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    cast = await registered_cast(running.apps["notify"].state.runtime)
    office = token(Role.office, jurisdiction=J)
    dept = token(Role.department, org_id=str(cast.org["audit"]), jurisdiction=J)
    receiver = Receiver(fail_first=2, status_when_failing=503)
    async with serving(receiver.app()) as base_url:
        # The department subscribes for itself (its org from its token), for one type only.
        sub = await subscribe(
            notify, dept, f"{base_url}/hook", event_types=[ConsultationRequested.type]
        )
        assert sub["org_id"] == str(cast.org["audit"])
        stored = await db.fetchval("SELECT secret FROM notify.subscriptions WHERE id = $1",
                                   uuid.UUID(sub["id"]))  # fmt: skip
        assert stored.startswith("fernet:") and sub["secret"] not in stored
        ignored = await subscribe(
            notify, dept, f"{base_url}/hook", event_types=["xuncha.findings.letter.sent.v1"]
        )
        event = sample_event(
            ConsultationRequested, jurisdiction=J, department_org_id=cast.org["audit"]
        )
        await apply(runtime, cloud(event, at=clock.now()))
        for _ in range(3):
            await run_periodic_once(runtime)
            clock.advance(longest_wait(10, base_seconds=30, max_seconds=6 * 3600))
        assert len(receiver.requests) == 2 and not receiver.accepted

        r = await notify.get(f"{BASE}/deliveries", params={"status": "dead"}, headers=auth(office))
        (dead,) = r.json()["items"]
        assert dead["subscription_id"] == sub["id"] and dead["last_status_code"] == 503
        r = await notify.post(f"{BASE}/deliveries/{dead['id']}/replay", headers=auth(dept))
        assert r.status_code == 403
        r = await notify.post(f"{BASE}/deliveries/{dead['id']}/replay", headers=auth(office))
        assert r.status_code == 200 and r.json()["status"] == "pending"
        r = await notify.post(f"{BASE}/deliveries/{dead['id']}/replay", headers=auth(office))
        assert r.status_code == 409

        # Rotate the secret before the replay is sent: it is signed with the new one.
        r = await notify.post(
            f"{BASE}/subscriptions/{sub['id']}/rotate-secret",
            headers=auth(dept, **{"If-Match": '"1"'}),
        )
        assert r.status_code == 200
        secret = r.json()["secret"]
        await run_periodic_once(runtime)
        assert len(receiver.accepted) == 1
        headers, body = receiver.requests[-1]
        assert headers["webhook-id"] == dead["id"]
        assert verify(
            secret, headers["webhook-id"], headers["webhook-timestamp"], body,
            headers["webhook-signature"],
        )  # fmt: skip
        assert not verify(
            sub["secret"], headers["webhook-id"], headers["webhook-timestamp"], body,
            headers["webhook-signature"],
        )  # fmt: skip
    r = await notify.get(f"{BASE}/subscriptions/{ignored['id']}/deliveries", headers=auth(office))
    assert r.json()["total"] == 0
    r = await notify.get(f"{BASE}/deliveries/export.xlsx", headers=auth(office))
    assert r.status_code == 200 and r.content[:2] == b"PK"


async def test_invalid_subscriptions_are_4xx(platform: Any, token: Any) -> None:
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, **LOOPBACK_RECEIVERS
    )
    notify = running.client("notify")
    office = token(Role.office, jurisdiction=J)
    cast = await registered_cast(running.apps["notify"].state.runtime)
    org = str(cast.org["audit"])
    cases = [
        ({"url": "ftp://example.org/x", "org_id": org}, "url"),
        ({"url": "not a url", "org_id": org}, "url"),
        ({"url": "http://example.org/x"}, "org_id"),
        ({"url": "http://example.org/x", "org_id": org, "event_types": ["no.such"]},
         "event_types.0"),
        ({"url": "http://example.org/x", "org_id": org, "secret": "mine"}, "secret"),
    ]  # fmt: skip
    for body, field in cases:
        r = await notify.post(f"{BASE}/subscriptions", json=body, headers=auth(office))
        assert r.status_code == 422, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
    # A department cannot subscribe for another org.
    dept = token(Role.department, org_id=org, jurisdiction=J)
    r = await notify.post(
        f"{BASE}/subscriptions",
        json={"url": "http://example.org/x", "org_id": str(cast.org["other"])},
        headers=auth(dept),
    )
    assert r.status_code == 403
    # Only the office says which roles a subscription stands for.
    r = await notify.post(
        f"{BASE}/subscriptions",
        json={"url": "http://example.org/x", "roles": ["office"]},
        headers=auth(dept),
    )
    assert r.status_code == 403
    r = await notify.post(
        f"{BASE}/subscriptions",
        json={"url": "http://example.org/x", "org_id": org, "roles": ["janitor"]},
        headers=auth(office),
    )
    assert r.status_code == 422 and r.json()["field"] == "roles.0"


async def test_a_stored_control_character_does_not_take_the_export_down(
    platform: Any, token: Any, db: Any
) -> None:
    """A description stored before control characters were refused: the export drops the
    character and keeps the rest, instead of failing for good; a new one is refused."""
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, **LOOPBACK_RECEIVERS
    )
    notify = running.client("notify")
    cast = await registered_cast(running.apps["notify"].state.runtime)
    office = token(Role.office, jurisdiction=J)
    body = {"url": "http://127.0.0.1:9/x", "org_id": str(cast.org["audit"])}
    r = await notify.post(
        f"{BASE}/subscriptions",
        json={**body, "description": "审计局\x07接收"},
        headers=auth(office),
    )
    assert r.status_code == 422 and r.json()["field"] == "description", r.text
    r = await notify.post(
        f"{BASE}/subscriptions", json={**body, "description": "审计局接收"}, headers=auth(office)
    )
    assert r.status_code == 201, r.text
    await db.execute("UPDATE notify.subscriptions SET description = E'审计局\\x07\\x1b接收'")
    r = await notify.get(f"{BASE}/subscriptions/export.xlsx", headers=auth(office))
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    assert "审计局接收" in [c.value for row in sheet.iter_rows() for c in row]

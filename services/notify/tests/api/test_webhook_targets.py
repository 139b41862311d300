"""The public webhook target rule against real receivers on loopback, with the setting that
lets tests post there turned off: internal addresses refused when a URL is registered and
again when a delivery is sent (DNS may have changed), the connection pinned to the address
checked, redirects not followed, no response body kept, only the office and departments
holding webhooks, and one broken delivery never stopping the others."""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

import httpx
import pytest
from notify.webhooks.targets import IPAddress, TargetRefused, webhook_client
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role
from xuncha_shared.events.planning import ConsultationRequested
from xuncha_shared.testing.contracts import sample_event
from xuncha_shared.testing.serving import serving

from services.notify.tests.api.factories import (
    BASE,
    J,
    Receiver,
    apply,
    auth,
    cloud,
    register_orgs,
    registered_cast,
)

# Registration resolves nothing for an address literal; no request goes to it in these tests.
PUBLIC = "https://8.8.8.8/hook"

REFUSED = [
    "http://127.0.0.1:9/x",
    "http://localhost:9/x",
    "http://10.1.2.3/x",
    "http://172.16.0.1/x",
    "http://192.168.1.1/x",
    "http://100.64.0.1/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/x",
    "http://224.0.0.1/x",
    "http://240.0.0.1/x",
    "http://[::1]/x",
    "http://[fe80::1]/x",
    "http://[fd00::1]/x",
    "http://[::ffff:127.0.0.1]/x",
    "http://no-such-host.invalid/x",
]


async def test_internal_targets_are_refused_at_registration(platform: Any, token: Any) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify = running.client("notify")
    cast = await registered_cast(running.apps["notify"].state.runtime)
    office = token(Role.office, jurisdiction=J)
    org = str(cast.org["discipline"])
    for url in REFUSED:
        r = await notify.post(
            f"{BASE}/subscriptions", json={"url": url, "org_id": org}, headers=auth(office)
        )
        assert r.status_code == 422, (url, r.text)
        problem = r.json()
        assert problem["field"] == "url", problem
        assert problem["type"].endswith("/webhook-target-refused"), problem
        assert "接收地址" in problem["message_zh"] and problem["message_en"], problem
    r = await notify.post(
        f"{BASE}/subscriptions", json={"url": PUBLIC, "org_id": org}, headers=auth(office)
    )
    assert r.status_code == 201, r.text
    sub = r.json()
    r = await notify.patch(
        f"{BASE}/subscriptions/{sub['id']}",
        json={"url": "http://169.254.169.254/latest/"},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 422 and r.json()["field"] == "url"


async def test_only_the_office_and_departments_hold_webhooks(platform: Any, token: Any) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify = running.client("notify")
    village = uuid.uuid4()
    for role in (Role.inspected, Role.leader, Role.group):
        bearer = token(role, org_id=str(village), jurisdiction=J)
        r = await notify.post(f"{BASE}/subscriptions", json={"url": PUBLIC}, headers=auth(bearer))
        assert r.status_code == 403, (role, r.text)
        r = await notify.get(f"{BASE}/subscriptions", headers=auth(bearer))
        assert r.status_code == 403, (role, r.text)
    own = uuid.uuid4()
    await register_orgs(running.apps["notify"].state.runtime, own)
    dept = token(Role.department, org_id=str(own), jurisdiction=J)
    r = await notify.post(f"{BASE}/subscriptions", json={"url": PUBLIC}, headers=auth(dept))
    assert r.status_code == 201, r.text


async def _subscribed_then_moved(
    notify: Any, db: Any, office: str, org: uuid.UUID, url: str
) -> str:
    """A subscription registered to a public address whose name now leads to ``url`` (as
    after a DNS change): the stored URL is moved there behind the API's back."""
    r = await notify.post(
        f"{BASE}/subscriptions", json={"url": PUBLIC, "org_id": str(org)}, headers=auth(office)
    )
    assert r.status_code == 201, r.text
    sub_id: str = r.json()["id"]
    await db.execute(
        "UPDATE notify.subscriptions SET url = $1 WHERE id = $2", url, uuid.UUID(sub_id)
    )
    return sub_id


async def test_a_target_now_internal_is_refused_at_delivery(
    platform: Any, token: Any, clock: Any, db: Any
) -> None:
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    cast = await registered_cast(running.apps["notify"].state.runtime)
    office = token(Role.office, jurisdiction=J)
    receiver = Receiver()
    async with serving(receiver.app()) as base_url:
        port = httpx.URL(base_url).port
        sub = await _subscribed_then_moved(
            notify, db, office, cast.org["discipline"], f"http://localhost:{port}/hook"
        )
        event = sample_event(
            ConsultationRequested, jurisdiction=J, department_org_id=cast.org["discipline"]
        )
        await apply(runtime, cloud(event, at=clock.now()))
        await run_periodic_once(runtime)
    assert receiver.requests == []
    r = await notify.get(f"{BASE}/subscriptions/{sub}/deliveries", headers=auth(office))
    (delivery,) = r.json()["items"]
    assert delivery["status"] == "pending" and delivery["attempts"] == 1
    (attempt,) = delivery["attempt_log"]
    assert attempt["ok"] is False and attempt["status_code"] is None
    assert "loopback" in attempt["error"]


async def test_the_connection_goes_to_the_address_checked() -> None:
    """A name resolved to a checked address is connected there, the request still naming
    the host; the same name resolving to loopback is refused when private targets are not
    allowed (DNS rebinding between registration and delivery)."""
    receiver = Receiver()
    async with serving(receiver.app()) as base_url:
        port = httpx.URL(base_url).port
        url = f"http://hooks.example.org:{port}/hook"

        async def loopback(host: str, port: int) -> list[IPAddress]:
            assert host == "hooks.example.org"
            return [ipaddress.ip_address("127.0.0.1")]

        async with webhook_client(timeout=5, allow_private=True, resolve=loopback) as client:
            r = await client.post(url, content=b"{}", headers={"webhook-id": "pinned"})
        assert r.status_code == 204
        ((headers, _),) = receiver.requests
        assert headers["host"] == f"hooks.example.org:{port}"

        async with webhook_client(timeout=5, allow_private=False, resolve=loopback) as client:
            with pytest.raises(TargetRefused, match="loopback"):
                await client.post(url, content=b"{}", headers={"webhook-id": "refused"})
        assert len(receiver.requests) == 1


async def test_redirects_are_failures_and_no_response_body_is_kept(
    platform: Any, token: Any, clock: Any, db: Any
) -> None:
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False,
        webhook_allow_private_targets=True,
    )  # fmt: skip
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    cast = await registered_cast(running.apps["notify"].state.runtime)
    office = token(Role.office, jurisdiction=J)
    followed: list[str] = []

    async def moved(request: Request) -> Response:
        return RedirectResponse("/inner", status_code=302)

    async def inner(request: Request) -> Response:
        followed.append(request.url.path)
        return Response("the-receivers-private-answer", status_code=200)

    async def broken(request: Request) -> Response:
        return Response("Traceback: password=hunter2 the-receivers-private-answer", 500)

    app = Starlette(
        routes=[
            Route("/moved", moved, methods=["POST"]),
            Route("/inner", inner, methods=["POST", "GET"]),
            Route("/broken", broken, methods=["POST"]),
        ]
    )
    async with serving(app) as base_url:
        subs = {}
        for path, org in (("moved", "discipline"), ("broken", "audit")):
            r = await notify.post(
                f"{BASE}/subscriptions",
                json={"url": f"{base_url}/{path}", "org_id": str(cast.org[org])},
                headers=auth(office),
            )
            assert r.status_code == 201, r.text
            subs[path] = r.json()["id"]
            event = sample_event(
                ConsultationRequested, jurisdiction=J, department_org_id=cast.org[org]
            )
            await apply(runtime, cloud(event, at=clock.now()))
        await run_periodic_once(runtime)
    assert followed == []
    errors = {}
    for path, sub in subs.items():
        r = await notify.get(f"{BASE}/subscriptions/{sub}/deliveries", headers=auth(office))
        (delivery,) = r.json()["items"]
        (attempt,) = delivery["attempt_log"]
        errors[path] = (attempt["status_code"], attempt["error"])
        assert "private-answer" not in r.text
    assert errors["moved"] == (302, "HTTP 302: 不跟随重定向 redirect not followed")
    assert errors["broken"] == (500, "HTTP 500")
    stored = await db.fetchval(
        "SELECT string_agg(coalesce(error, ''), ' ') FROM notify.delivery_attempts"
    )
    assert "private-answer" not in stored and "hunter2" not in stored


async def test_one_broken_delivery_is_one_failed_attempt(
    platform: Any, token: Any, clock: Any, db: Any
) -> None:
    """A secret no key opens (an unexpected error) fails its own delivery; the other
    subscription of the batch still gets its delivery. A secret an older version stored in
    clear is sealed by the next run and still signs."""
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False,
        webhook_allow_private_targets=True,
    )  # fmt: skip
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    cast = await registered_cast(running.apps["notify"].state.runtime)
    office = token(Role.office, jurisdiction=J)
    receiver = Receiver()
    async with serving(receiver.app()) as base_url:
        ids = {}
        for org in ("discipline", "audit"):
            r = await notify.post(
                f"{BASE}/subscriptions",
                json={"url": f"{base_url}/hook", "org_id": str(cast.org[org])},
                headers=auth(office),
            )
            ids[org] = uuid.UUID(r.json()["id"])
        await db.execute(
            "UPDATE notify.subscriptions SET secret = 'fernet:not-a-token' WHERE id = $1",
            ids["discipline"],
        )
        await db.execute(
            "UPDATE notify.subscriptions SET secret = $2 WHERE id = $1",
            ids["audit"],
            "whsec_" + "A" * 32,
        )
        for org in ("discipline", "audit"):
            event = sample_event(
                ConsultationRequested, jurisdiction=J, department_org_id=cast.org[org]
            )
            await apply(runtime, cloud(event, at=clock.now()))
        await run_periodic_once(runtime)
    assert len(receiver.accepted) == 1
    rows = {
        r["subscription_id"]: r
        for r in await db.fetch("SELECT subscription_id, status, last_error FROM notify.deliveries")
    }
    assert rows[ids["audit"]]["status"] == "delivered"
    broken = rows[ids["discipline"]]
    assert broken["status"] == "pending" and "InvalidToken" in broken["last_error"]
    stored = await db.fetchval(
        "SELECT secret FROM notify.subscriptions WHERE id = $1", ids["audit"]
    )
    assert stored.startswith("fernet:")

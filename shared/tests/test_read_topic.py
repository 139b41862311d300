"""The test helper that consumes a service's topic as a partner agency would."""

from __future__ import annotations

from typing import Any

from xuncha_shared.auth import Role
from xuncha_shared.testing.plugin import read_topic


async def test_org_event_is_consumed_from_the_topic(platform: Any, token: Any) -> None:
    running = await platform("planning")
    r = await running.client("planning").post(
        "/api/planning/orgs",
        json={"code": "R1", "name": "县信访局", "kind": "department"},
        headers={"Authorization": f"Bearer {token(Role.office)}"},
    )
    assert r.status_code == 201
    runtime = running.apps["planning"].state.runtime
    events = await read_topic(runtime.bus, runtime.settings.topic, until=lambda es: len(es) >= 1)
    assert events[0].type == "xuncha.planning.org.registered.v1"
    assert events[0].subject == r.json()["id"]

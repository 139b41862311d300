"""Every rectification operation, fed malformed input by each kind of caller, answers a 4xx
problem+json: never a 500, never an event. (The cross-service sweep in
tests/contract does the same for every service with the office's token.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import MONDAY, county, deliver, feedback, problem

JUNK_BODIES: list[tuple[bytes, str]] = [
    (b"{not json", "application/json"),
    (b"[]", "application/json"),
    (
        b'{"measures": 1, "due_on": "2026-02-30", "kind": "x", "scope": [], "weights": 5}',
        "application/json",
    ),
    (b'{"reasons": "' + "长".encode() * 5000 + b'"}', "application/json"),
    (b"\x00\xff\xfe", "application/octet-stream"),
]
JUNK_QUERY = {
    "limit": "-1",
    "cursor": "!!",
    "by": "planet",
    "status": "x",
    "org_id": "x",
    "open": "maybe",
}


@pytest.mark.parametrize("role", [Role.office, Role.inspected, Role.organization])
async def test_malformed_requests_are_4xx(
    platform: Any, token: Any, db: Any, clock: Any, role: Role
) -> None:
    clock.set(MONDAY)
    running = await platform("rectification", scheduler_enabled=False)
    client = running.client("rectification")
    place = await county(db)
    await deliver(running.apps["rectification"], feedback(place, "town_a", [problem()], at=MONDAY))
    plan_id = await db.fetchval("SELECT id FROM rectification.plans")
    task_id = await db.fetchval("SELECT id FROM rectification.tasks")
    before = await db.fetchval("SELECT count(*) FROM rectification.outbox")
    bearer = token(role, jurisdiction=place.jurisdiction, org_id=place.org("town_a"))
    headers = {"Authorization": f"Bearer {bearer}"}
    real = {"plan_id": plan_id, "task_id": task_id, "card_id": plan_id, "action_id": task_id,
            "round_id": place.round_id, "org_id": "x", "kind": "interview",
            "sha256": "0" * 64, "change_request_id": task_id, "circular_id": plan_id,
            "case_id": task_id, "accountability_id": plan_id}  # fmt: skip
    doc = (await client.get("/api/rectification/openapi.json")).json()
    checked = 0
    for path, ops in doc["paths"].items():
        for method in ops:
            urls = {re.sub(r"\{[^}]+\}", v, path) for v in ("not-a-uuid", "%00")}
            # Real records too, except for writes that take no body (a rating is valid
            # whatever the query says).
            if method == "get" or "requestBody" in ops[method]:
                urls.add(re.sub(r"\{([^}]+)\}", lambda m: str(real[m.group(1)]), path))
            for url in urls:
                attempts: list[dict[str, Any]] = [dict(params=JUNK_QUERY)]
                if method in {"post", "put", "patch"}:
                    attempts += [
                        dict(content=body, headers={"content-type": ctype, "If-Match": '"1"'})
                        for body, ctype in JUNK_BODIES
                    ]
                for kw in attempts:
                    extra = kw.pop("headers", {})
                    r = await client.request(
                        method.upper(), url, headers={**headers, **extra}, **kw
                    )
                    checked += 1
                    assert r.status_code < 500, (method, url, kw, r.status_code, r.text[:300])
                    if r.status_code >= 400:
                        assert r.headers["content-type"].startswith("application/problem+json")
                        assert r.json()["message_zh"] and r.json()["message_en"]
    assert checked > 100
    assert await db.fetchval("SELECT count(*) FROM rectification.outbox") == before

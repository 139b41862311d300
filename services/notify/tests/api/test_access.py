"""Authorization matrix: who may read and change rules, the directory, subscriptions, the
delivery log and the jurisdiction's notifications; records of another jurisdiction or org are
as good as missing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.notify.tests.api.factories import (
    BASE,
    LOOPBACK_RECEIVERS,
    J,
    auth,
    register_orgs,
)

DEPT = uuid.UUID("6d7f0a52-8a53-4d6e-9f0e-0c1b7c3f9a01")
OTHER_DEPT = uuid.UUID("6d7f0a52-8a53-4d6e-9f0e-0c1b7c3f9a02")
TOWN = uuid.UUID("6d7f0a52-8a53-4d6e-9f0e-0c1b7c3f9a03")

WHO: dict[str, dict[str, Any]] = {
    "office": {"roles": [Role.office]},
    "leadership": {"roles": [Role.leadership]},
    "department": {"roles": [Role.department], "org_id": str(DEPT)},
    "other-department": {"roles": [Role.discipline], "org_id": str(OTHER_DEPT)},
    "inspected": {"roles": [Role.inspected], "org_id": str(TOWN)},
    "group": {"roles": [Role.group]},
    "office-elsewhere": {"roles": [Role.office], "jurisdiction": "410800"},
}
RULE = {"event_type": "xuncha.rectification.card.raised.v1",
        "audiences": [{"kind": "role", "role": "office"}]}  # fmt: skip

# endpoint → expected status per caller (anything not listed: 403)
MATRIX: dict[str, dict[str, int]] = {
    "GET /rules": {"office": 200, "leadership": 200, "office-elsewhere": 200},
    "GET /rules/card-raised": {"office": 200, "leadership": 200, "office-elsewhere": 200},
    "PUT /rules/my-rule": {"office": 201, "office-elsewhere": 201},
    "GET /event-types": {"office": 200, "leadership": 200, "office-elsewhere": 200},
    "GET /directory/people": {"office": 200, "leadership": 200, "office-elsewhere": 200},
    "POST /directory/people": {"office": 201, "office-elsewhere": 201},
    "GET /directory/people/dept-user": {"office": 200, "leadership": 200, "office-elsewhere": 404},
    "GET /deliveries": {"office": 200, "office-elsewhere": 200},
    "GET /notifications": {"office": 200, "office-elsewhere": 200},
    # only the office and departments have webhooks: an inspected org's account gets 403
    "GET /subscriptions": {
        "office": 200, "office-elsewhere": 200, "department": 200, "other-department": 200,
    },
    "GET /subscriptions/{sub}": {"office": 200, "department": 200, "office-elsewhere": 404,
                                 "other-department": 404},
    "GET /subscriptions/{sub}/deliveries": {"office": 200, "department": 200,
                                            "office-elsewhere": 404, "other-department": 404},
    # a department subscribes for its own org only (the body names OTHER_DEPT); an office only
    # for an org of its jurisdiction (OTHER_DEPT is not one of 410800's: 422 naming org_id)
    "POST /subscriptions": {"office": 201, "office-elsewhere": 422, "other-department": 201},
    "GET /inbox": {name: 200 for name in WHO},
    "GET /inbox/unread-count": {name: 200 for name in WHO},
}  # fmt: skip


@pytest.mark.parametrize("who", list(WHO))
async def test_authorization_matrix(who: str, platform: Any, token: Any) -> None:
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, **LOOPBACK_RECEIVERS
    )
    notify = running.client("notify")
    await register_orgs(running.apps["notify"].state.runtime, DEPT, OTHER_DEPT, TOWN)
    office = token(Role.office, jurisdiction=J)
    r = await notify.post(
        f"{BASE}/subscriptions",
        json={"url": "http://127.0.0.1:9/hook", "org_id": str(DEPT)},
        headers=auth(office),
    )
    sub = r.json()["id"]
    r = await notify.post(
        f"{BASE}/directory/people",
        json={"account": "dept-user", "display_name": "张三", "roles": ["department"],
              "org_id": str(DEPT)},
        headers=auth(office),
    )  # fmt: skip
    assert r.status_code == 201
    spec = WHO[who]
    bearer = token(
        *spec["roles"],
        org_id=spec.get("org_id"),
        jurisdiction=spec.get("jurisdiction", J),
        subject=f"caller-{who}",
    )
    bodies: dict[str, Any] = {
        "PUT /rules/my-rule": RULE,
        "POST /directory/people": {"account": f"new-{who}", "display_name": "李四",
                                   "roles": ["office"]},
        "POST /subscriptions": {"url": "http://127.0.0.1:9/x", "org_id": str(OTHER_DEPT)},
    }  # fmt: skip
    for endpoint, expected in MATRIX.items():
        method, path = endpoint.split(" ", 1)
        r = await notify.request(
            method,
            BASE + path.replace("{sub}", sub),
            json=bodies.get(endpoint),
            headers=auth(bearer),
        )
        assert r.status_code == expected.get(who, 403), (who, endpoint, r.text[:200])


async def test_only_the_own_inbox(platform: Any, token: Any, clock: Any, db: Any) -> None:
    """A user reads only their own inbox: no parameter selects another's."""
    running = await platform("notify", scheduler_enabled=False, consumers_enabled=False)
    notify = running.client("notify")
    me = token(Role.inspected, org_id=str(TOWN), jurisdiction=J)
    r = await notify.get(
        f"{BASE}/inbox", params={"account": "someone-else", "org_id": str(DEPT)}, headers=auth(me)
    )
    assert r.status_code == 200 and r.json()["items"] == []
    r = await notify.get(f"{BASE}/inbox")
    assert r.status_code == 401

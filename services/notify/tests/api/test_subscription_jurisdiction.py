"""Subscriptions within the subscriber's jurisdiction, with two jurisdictions: an office
subscribes only to its own jurisdiction's orgs (another's, or an unknown id, is a 422 naming
``org_id``), lists and exports only those, and a subscription made under one jurisdiction
never receives another's notifications."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook
from xuncha_shared.auth import Role
from xuncha_shared.events.planning import ConsultationRequested
from xuncha_shared.testing.contracts import sample_event

from services.notify.tests.api.factories import (
    BASE,
    LOOPBACK_RECEIVERS,
    J,
    apply,
    auth,
    cloud,
    register_orgs,
)

K = "410800"


async def test_an_office_subscribes_lists_and_exports_only_its_jurisdictions_orgs(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, **LOOPBACK_RECEIVERS
    )
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    await register_orgs(runtime, ours, jurisdiction=J)
    await register_orgs(runtime, theirs, jurisdiction=K)
    office, office_k = token(Role.office, jurisdiction=J), token(Role.office, jurisdiction=K)

    def body(org: uuid.UUID, name: str) -> dict[str, str]:
        return {"url": f"http://127.0.0.1:9/{name}", "org_id": str(org)}

    for bearer, org in ((office, theirs), (office, uuid.uuid4()), (office_k, ours)):
        r = await notify.post(f"{BASE}/subscriptions", json=body(org, "x"), headers=auth(bearer))
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["field"] == "org_id"
        assert problem["type"].endswith("/org-not-in-jurisdiction")
        assert problem["message_zh"] and problem["message_en"]
    # A department's system whose org is another jurisdiction's is refused the same way.
    dept = token(Role.discipline, org_id=str(theirs), jurisdiction=J)
    r = await notify.post(f"{BASE}/subscriptions", json={"url": "http://127.0.0.1:9/d"},
                          headers=auth(dept))  # fmt: skip
    assert r.status_code == 422 and r.json()["field"] == "org_id"

    r = await notify.post(f"{BASE}/subscriptions", json=body(ours, "j"), headers=auth(office))
    assert r.status_code == 201, r.text
    mine = r.json()["id"]
    r = await notify.post(f"{BASE}/subscriptions", json=body(theirs, "k"), headers=auth(office_k))
    assert r.status_code == 201, r.text
    # One made before the rule: under J, for K's org.
    stray = uuid.uuid4()
    now = datetime.now(UTC)
    await db.execute(
        "INSERT INTO notify.subscriptions (id, jurisdiction, org_id, url, secret, event_types,"
        " roles, description, active, deleted, version, created_at, updated_at,"
        " secret_rotated_at, created_by) VALUES ($1, $2, $3, 'http://127.0.0.1:9/stray',"
        " 'whsec_x', '{}', '{}', '', true, false, 1, $4, $4, $4, 'office')",
        stray, J, theirs, now,
    )  # fmt: skip

    r = await notify.get(f"{BASE}/subscriptions", headers=auth(office))
    assert [s["id"] for s in r.json()["items"]] == [mine] and r.json()["total"] == 1
    r = await notify.get(f"{BASE}/subscriptions/{stray}", headers=auth(office))
    assert r.status_code == 404
    r = await notify.get(f"{BASE}/subscriptions/export.xlsx", headers=auth(office))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row]
    assert any(c.endswith("/j") for c in cells)
    assert not any(c.endswith(("/k", "/stray")) for c in cells)

    # K's notification about its org goes to K's subscription only, never to the stray one.
    event = sample_event(ConsultationRequested, jurisdiction=K, department_org_id=theirs)
    assert await apply(runtime, cloud(event, at=now))
    rows = await db.fetch(
        "SELECT s.jurisdiction FROM notify.deliveries d"
        " JOIN notify.subscriptions s ON s.id = d.subscription_id"
    )
    assert [r["jurisdiction"] for r in rows] == [K]

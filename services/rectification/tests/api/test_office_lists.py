"""The office's lists: overdue tasks by org with their working days late (and the XLSX),
seen within the caller's own scope; a poor rating carries its revisit recommendation."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    auth,
    county,
    deliver,
    feedback,
    fill_in,
    inspected,
    problem,
    tasks_of,
)


@pytest.fixture
async def running(platform: Any, clock: Any) -> Any:
    clock.set(MONDAY)
    return await platform("rectification", scheduler_enabled=False)


async def test_overdue_by_org_in_working_days(
    running: Any, db: Any, token: Any, clock: Any
) -> None:
    app, client = running.apps["rectification"], running.client("rectification")
    place = await county(db)
    await deliver(
        app,
        feedback(place, "town_a", [problem(), problem(category="funds")], at=MONDAY),
        feedback(place, "town_b", [problem()], at=MONDAY),
    )
    office = token(Role.office, jurisdiction=place.jurisdiction)
    org_a, org_b = inspected(token, place, "town_a"), inspected(token, place, "town_b")
    a = await tasks_of(client, org_a)
    await fill_in(client, org_a, a[0], due_on="2026-03-05")
    await fill_in(client, org_a, a[1], due_on="2026-03-30")
    (b,) = await tasks_of(client, org_b)
    await fill_in(client, org_b, b, due_on="2026-03-16")

    # Friday 20 March: town_a's task 11 working days (15 days) late, town_b's 4.
    clock.set(datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    r = await client.get(f"{BASE}/overdue", headers=auth(office))
    assert r.status_code == 200, r.text
    listed = r.json()
    assert listed["as_of"] == "2026-03-20" and listed["total"] == 2
    assert [o["org_id"] for o in listed["orgs"]] == [place.org("town_a"), place.org("town_b")]
    first, second = listed["orgs"]
    assert first["count"] == 1 and first["worst_workdays"] == 11
    (late,) = first["tasks"]
    assert late["due_on"] == "2026-03-05" and late["days_overdue"] == 15
    assert late["workdays_overdue"] == 11 and late["responsible_person"] == "张三"
    assert second["worst_workdays"] == 4

    # Filtered by org; an org sees only its own.
    r = await client.get(
        f"{BASE}/overdue", params={"org_id": place.org("town_b")}, headers=auth(office)
    )
    assert [o["org_id"] for o in r.json()["orgs"]] == [place.org("town_b")]
    mine = (await client.get(f"{BASE}/overdue", headers=auth(org_b))).json()
    assert [o["org_id"] for o in mine["orgs"]] == [place.org("town_b")] and mine["total"] == 1
    outsider = token(Role.group, jurisdiction=place.jurisdiction)
    assert (await client.get(f"{BASE}/overdue", headers=auth(outsider))).status_code == 403

    r = await client.get(f"{BASE}/overdue.xlsx", headers=auth(office))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "被巡察对象" and rows[0][7] == "逾期工作日" and len(rows) == 3
    assert rows[1][5] == "2026-03-05" and rows[1][7] == 11 and rows[1][8] == 15


async def test_a_poor_rating_recommends_a_revisit(
    running: Any, db: Any, token: Any, clock: Any
) -> None:
    app, client = running.apps["rectification"], running.client("rectification")
    place = await county(db)
    await deliver(app, feedback(place, "town_a", [problem(), problem()], at=MONDAY))
    office = token(Role.office, jurisdiction=place.jurisdiction)
    (plan,) = (await client.get(f"{BASE}/plans", headers=auth(office))).json()["items"]
    r = await client.post(f"{BASE}/plans/{plan['id']}/rating", headers=auth(office))
    assert r.status_code == 200, r.text
    rated = r.json()
    assert rated["rating"] == "poor"
    assert rated["revisit_zh"].startswith("整改成效评估为“差”")
    assert "回头看" in rated["revisit_zh"]
    listed = (await client.get(f"{BASE}/ratings", headers=auth(office))).json()["items"]
    assert listed[0]["revisit_zh"] == rated["revisit_zh"]

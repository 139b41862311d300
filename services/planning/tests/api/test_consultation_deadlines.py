"""Consultation deadlines: Chinese working days counted from the Beijing date, the office's
own reply period, and extensions to a later working day."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.planning.tests.api.consultation_factories import BASE, ask, auth, county


@pytest.fixture
async def planning(platform: Any, clock: Any) -> Any:
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # Monday, 09:00 in Beijing
    return (await platform("planning", scheduler_enabled=False)).client("planning")


async def test_deadline_counts_chinese_working_days_in_beijing_time(
    planning: Any, token: Any, db: Any, clock: Any
) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    town_a, town_b = str(place.orgs["town_a"]), str(place.orgs["town_b"])

    # 00:30 on Monday in Beijing is still Sunday in UTC: Beijing's day counts.
    clock.set(datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    c = await ask(planning, office, place, "audit", org_ids=[town_a], topics=["audit"])
    assert c["due_on"] == "2026-03-09"

    # Across National Day: 1-7 October off, Saturday 10 October a make-up working day.
    clock.set(datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    c = await ask(planning, office, place, "police", org_ids=[town_a], reply_workdays=3)
    assert c["due_on"] == "2026-10-10" and c["reply_workdays"] == 3
    assert c["deadline_approximate"] is False
    c = await ask(planning, office, place, "petitions", org_ids=[town_a])
    assert c["due_on"] == "2026-10-13"

    # The office sets its own default; nothing is known of 2027's holidays yet.
    r = await planning.get(f"{BASE}/consultation-settings", headers=auth(office))
    assert r.json() | {"jurisdiction": None} == {
        "jurisdiction": None, "reply_workdays": 5, "remind_workdays_before": 1,
        "is_default": True, "version": None, "updated_at": None, "updated_by": None,
    }  # fmt: skip
    body = {"reply_workdays": 7, "remind_workdays_before": 2}
    r = await planning.put(f"{BASE}/consultation-settings", json=body, headers=auth(office))
    assert r.status_code == 201 and r.headers["ETag"] == '"1"' and r.json()["is_default"] is False
    r = await planning.put(f"{BASE}/consultation-settings", json=body, headers=auth(office))
    assert r.status_code == 428
    r = await planning.put(
        f"{BASE}/consultation-settings",
        json={"reply_workdays": 3, "remind_workdays_before": 3},
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 422 and r.json()["field"] == "remind_workdays_before"
    clock.set(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
    c = await ask(planning, office, place, "discipline", org_ids=[town_b])
    assert c["reply_workdays"] == 7 and c["due_on"] == "2027-01-06"
    assert c["deadline_approximate"] is True


async def test_extending_a_deadline(planning: Any, token: Any, db: Any) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    c = await ask(planning, office, place, "discipline")
    url = f"{BASE}/consultations/{c['id']}"
    cases = [
        ({"due_on": "2026-03-06"}, "due_on", 422),  # earlier than the deadline
        ({"due_on": "2026-03-14"}, "due_on", 422),  # a Saturday
        ({"due_on": "2028-03-14"}, "due_on", 422),  # more than a year out
        ({"due_on": "2026-13-01"}, "due_on", 422),
        ({"note": "x" * 2001}, "note", 422),
        ({"extra": 1}, "extra", 422),
    ]
    for body, field, status in cases:
        r = await planning.patch(url, json=body, headers=auth(office, **{"If-Match": '"1"'}))
        assert r.status_code == status and r.json()["field"] == field, (body, r.text)
    r = await planning.patch(url, json={"due_on": "2026-03-13"}, headers=auth(office))
    assert r.status_code == 428, r.text
    r = await planning.patch(
        url, json={"due_on": "2026-03-13"}, headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 200, r.text
    assert r.json()["due_on"] == "2026-03-13" and r.json()["version"] == 2
    rows = await db.fetch(
        "SELECT envelope FROM planning.outbox WHERE type = $1",
        "xuncha.planning.consultation.deadline_extended.v1",
    )
    (extended,) = [json.loads(r["envelope"]) for r in rows]
    assert extended["data"]["previous_due_on"] == "2026-03-09"
    assert extended["data"]["due_on"] == "2026-03-13"

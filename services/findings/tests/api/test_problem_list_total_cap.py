"""A list counts its matching rows up to a cap: beyond it the page answers the cap as a lower
bound (``total_exact`` false) instead of counting every row on every page; the pages and the
export still hold every row."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared import http
from xuncha_shared.auth import Role

from services.findings.tests.api.factories import BASE, auth, county, member


async def test_problem_list_total_beyond_cap_is_a_lower_bound(
    findings: Any, token: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "TOTAL_CAP", 10)
    place = await county(db)
    items = [
        {
            "category": "benefit_policies",
            "description": f"问题{i}",
            "found_by": "evening_talk",
            "immediate": i % 5 != 0,
        }
        for i in range(20)
    ]
    body = {"assignment_id": str(place.assignments["village_a"]), "problems": items}
    r = await findings.post(f"{BASE}/problems/batch", json=body, headers=auth(member(token, place)))
    assert r.status_code == 201, r.text
    office = auth(token(Role.office, jurisdiction=place.jurisdiction))

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7} | ({"cursor": cursor} if cursor else {})
        r = await findings.get(f"{BASE}/problems", params=params, headers=office)
        assert r.status_code == 200
        assert (r.json()["total"], r.json()["total_exact"]) == (10, False)
        seen += [p["id"] for p in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert len(set(seen)) == 20

    r = await findings.get(f"{BASE}/problems", params={"immediate": "false"}, headers=office)
    assert (r.json()["total"], r.json()["total_exact"]) == (4, True)
    monkeypatch.setattr(http, "TOTAL_CAP", 20)
    r = await findings.get(f"{BASE}/problems", params={"limit": 1}, headers=office)
    assert (r.json()["total"], r.json()["total_exact"]) == (20, True)

    r = await findings.get(f"{BASE}/problems.xlsx", headers=office)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None and sheet.max_row == 21

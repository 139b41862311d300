"""Authorization per record as a role × endpoint matrix: own vs other group, own vs other
org, other jurisdiction. Hidden records are 404; visible but not allowed is 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.findings.tests.api.factories import BASE, NOW, County, auth, county, member, record

ENDPOINTS = (
    "get_plain",
    "get_immediate",
    "patch_plain",
    "record",
    "get_report",
    "send_letter",
    "common",
)

# role key -> expected status per endpoint, in ENDPOINTS order.
MATRIX: dict[str, tuple[int, ...]] = {
    "group_own": (200, 200, 200, 201, 200, 403, 403),
    "group_other": (404, 404, 404, 403, 200, 403, 403),
    "office": (200, 200, 403, 403, 200, 201, 200),
    "office_elsewhere": (404, 404, 404, 403, 404, 422, 200),
    "leadership": (200, 200, 403, 403, 200, 403, 200),
    "discipline": (200, 200, 403, 403, 200, 403, 403),
    "inspected_own": (404, 200, 404, 403, 404, 403, 403),
    "inspected_other": (404, 404, 404, 403, 404, 403, 403),
    "department": (404, 404, 404, 403, 404, 403, 403),
    "leader": (404, 404, 404, 403, 404, 403, 403),
}


def caller(token: Any, place: County, who: str) -> str:
    j, o = place.jurisdiction, place.orgs
    tokens: dict[str, Callable[[], Any]] = {
        "group_own": lambda: member(token, place, "g1"),
        "group_other": lambda: member(token, place, "g2"),
        "office": lambda: token(Role.office, jurisdiction=j),
        "office_elsewhere": lambda: token(Role.office, jurisdiction="410800"),
        "leadership": lambda: token(Role.leadership, jurisdiction=j),
        "discipline": lambda: token(Role.discipline, jurisdiction=j, org_id=str(o["discipline"])),
        "inspected_own": lambda: token(Role.inspected, jurisdiction=j, org_id=str(o["town"])),
        "inspected_other": lambda: token(
            Role.inspected, jurisdiction=j, org_id=str(o["village_b"])
        ),
        "department": lambda: token(Role.department, jurisdiction=j, org_id=str(o["agri"])),
        "leader": lambda: token(Role.leader, jurisdiction=j, subject="leader-li"),
    }
    return str(tokens[who]())


@pytest.mark.parametrize("who", list(MATRIX))
async def test_matrix(who: str, platform: Any, clock: Any, token: Any, db: Any) -> None:
    clock.set(NOW)
    findings = (await platform("findings", scheduler_enabled=False)).client("findings")
    place = await county(db)
    g1 = member(token, place)
    town = place.assignments["town"]
    plain = await record(findings, g1, town)
    immediate = await record(findings, g1, town, immediate=True, description="办公用房超标")
    r = await findings.post(
        f"{BASE}/public-reports",
        json={"round_id": str(place.round_id), "channel": "letter", "content": "来信反映"},
        headers=auth(g1),
    )
    assert r.status_code == 201
    office = token(Role.office, jurisdiction=place.jurisdiction)
    report_id = (await findings.get(f"{BASE}/public-reports", headers=auth(office))).json()[
        "items"
    ][0]["id"]

    h = auth(caller(token, place, who))
    calls = {
        "get_plain": lambda: findings.get(f"{BASE}/problems/{plain['id']}", headers=h),
        "get_immediate": lambda: findings.get(f"{BASE}/problems/{immediate['id']}", headers=h),
        "patch_plain": lambda: findings.patch(
            f"{BASE}/problems/{plain['id']}",
            json={"description": "改"},
            headers={**h, "If-Match": '"1"'},
        ),
        "record": lambda: findings.post(
            f"{BASE}/problems",
            json={
                "assignment_id": str(town),
                "category": "four_winds",
                "description": "x",
                "found_by": "visit",
            },
            headers=h,
        ),
        "get_report": lambda: findings.get(f"{BASE}/public-reports/{report_id}", headers=h),
        "send_letter": lambda: findings.post(
            f"{BASE}/letters",
            json={
                "kind": "reminder",
                "addressee_org_id": str(place.orgs["agri"]),
                "problem_ids": [plain["id"]],
            },
            headers=h,
        ),
        "common": lambda: findings.get(
            f"{BASE}/common-problems", params={"round_id": str(place.round_id)}, headers=h
        ),
    }
    got = []
    for name in ENDPOINTS:
        r = await calls[name]()
        got.append(r.status_code)
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json")
    assert dict(zip(ENDPOINTS, got, strict=True)) == dict(zip(ENDPOINTS, MATRIX[who], strict=True))

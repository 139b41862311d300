"""A report keeps every review of discipline (who, when, comments) in order, and the list
filters by kind."""

from __future__ import annotations

from typing import Any

from xuncha_shared.auth import Role

from services.findings.tests.api.factories import (
    BASE,
    auth,
    county,
    member,
    set_round_status,
)


async def test_review_history_and_kind_filter(findings: Any, token: Any, db: Any) -> None:
    place = await county(db)
    g1 = member(token, place)
    discipline = token(Role.discipline, jurisdiction=place.jurisdiction, name="纪委审核员")
    await set_round_status(db, place.round_id, "reporting")
    r = await findings.post(
        f"{BASE}/reports",
        json={
            "kind": "comprehensive",
            "round_id": str(place.round_id),
            "township_org_id": str(place.orgs["town"]),
            "title": "综合报告",
        },
        headers=auth(g1),
    )
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert r.json()["reviews"] == []
    r = await findings.post(
        f"{BASE}/reports",
        json={"kind": "assignment", "assignment_id": str(place.assignments["town"]), "title": "x"},
        headers=auth(g1),
    )
    assert r.status_code == 201, r.text

    await findings.post(f"{BASE}/reports/{rid}/submit", headers=auth(g1))
    r = await findings.post(
        f"{BASE}/reports/{rid}/review",
        json={"decision": "return", "comments": "补充典型案例"},
        headers=auth(discipline),
    )
    assert r.status_code == 200, r.text
    await findings.post(f"{BASE}/reports/{rid}/submit", headers=auth(g1))
    r = await findings.post(
        f"{BASE}/reports/{rid}/review", json={"decision": "pass"}, headers=auth(discipline)
    )
    assert r.status_code == 200 and r.json()["status"] == "passed"
    reviews = r.json()["reviews"]
    assert [(e["decision"], e["comments"]) for e in reviews] == [
        ("return", "补充典型案例"),
        ("pass", None),
    ]
    assert all(e["reviewer_name"] == "纪委审核员" and e["reviewed_at"] for e in reviews)
    # The latest review stays in the summary fields.
    assert (
        r.json()["review_comments"] is None and r.json()["reviewed_by"] == reviews[1]["reviewed_by"]
    )

    r = await findings.get(f"{BASE}/reports", params={"kind": "comprehensive"}, headers=auth(g1))
    assert [x["id"] for x in r.json()["items"]] == [rid] and r.json()["total"] == 1
    r = await findings.get(f"{BASE}/reports", params={"kind": "assignment"}, headers=auth(g1))
    assert r.json()["total"] == 1 and r.json()["items"][0]["kind"] == "assignment"


async def test_a_repeated_create_with_its_key_makes_one_report(
    findings: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    g1 = member(token, place)
    await set_round_status(db, place.round_id, "reporting")
    body = {"kind": "assignment", "assignment_id": str(place.assignments["town"]), "title": "x"}
    key = {"Idempotency-Key": "report-draft-0001"}
    first = await findings.post(f"{BASE}/reports", json=body, headers=auth(g1, **key))
    again = await findings.post(f"{BASE}/reports", json=body, headers=auth(g1, **key))
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    r = await findings.get(f"{BASE}/reports", headers=auth(g1))
    assert r.json()["total"] == 1

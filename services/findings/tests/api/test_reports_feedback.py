"""Reports through review and approval, .docx export, feedback as one event, and problems
read-only after feedback (annotations still allowed)."""

from __future__ import annotations

import io
import json
from typing import Any

from docx import Document
from xuncha_shared.auth import Role

from services.findings.tests.api.factories import (
    BASE,
    auth,
    county,
    member,
    record,
    set_round_status,
)


async def test_report_workflow_feedback_and_lock(findings: Any, token: Any, db: Any) -> None:
    place = await county(db)
    g1 = member(token, place)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    discipline = token(Role.discipline, jurisdiction=place.jurisdiction)
    leadership = token(Role.leadership, jurisdiction=place.jurisdiction)
    town = place.assignments["town"]
    p1 = await record(
        findings, g1, town, description="班子议事规则执行不严", category="party_leadership"
    )
    p2 = await record(
        findings,
        g1,
        town,
        description="集体资产底数不清",
        category="village_assets",
        immediate=True,
        amount_yuan="52000.00",
    )
    await record(
        findings,
        g1,
        place.assignments["village_a"],
        description="东村低保优亲厚友",
        category="benefit_policies",
    )

    r = await findings.post(f"{BASE}/assignments/{town}/feedback", json={}, headers=auth(office))
    assert r.status_code == 409 and r.json()["type"].endswith("report-not-approved")

    await set_round_status(db, place.round_id, "reporting")
    r = await findings.post(
        f"{BASE}/reports",
        json={
            "kind": "assignment",
            "assignment_id": str(town),
            "title": "关于巡察祥云镇党委的情况报告",
            "sections": {"overview": "祥云镇基本情况", "causes": "制度执行不严"},
        },
        headers=auth(g1),
    )
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["problem_count"] == 2 and report["status"] == "draft"
    rid = report["id"]
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
    assert r.status_code == 201 and r.json()["problem_count"] == 3

    # Not the group's: 403 on submit for the other group; review only by discipline.
    r = await findings.post(
        f"{BASE}/reports/{rid}/submit", headers=auth(member(token, place, "g2"))
    )
    assert r.status_code == 404
    r = await findings.post(f"{BASE}/reports/{rid}/submit", headers=auth(g1))
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = await findings.post(f"{BASE}/reports/{rid}/approve", headers=auth(leadership))
    assert r.status_code == 409
    r = await findings.post(
        f"{BASE}/reports/{rid}/review", json={"decision": "return"}, headers=auth(discipline)
    )
    assert r.status_code == 422 and r.json()["field"] == "comments"
    r = await findings.post(
        f"{BASE}/reports/{rid}/review",
        json={"decision": "return", "comments": "补充典型案例"},
        headers=auth(discipline),
    )
    assert r.json()["status"] == "returned"
    r = await findings.patch(
        f"{BASE}/reports/{rid}",
        json={"sections": {"typical_cases": "某村干部截留补贴"}},
        headers=auth(g1, **{"If-Match": r.headers["ETag"]}),
    )
    assert r.status_code == 200, r.text
    await findings.post(f"{BASE}/reports/{rid}/submit", headers=auth(g1))
    r = await findings.post(
        f"{BASE}/reports/{rid}/review", json={"decision": "pass"}, headers=auth(office)
    )
    assert r.status_code == 403
    await findings.post(
        f"{BASE}/reports/{rid}/review", json={"decision": "pass"}, headers=auth(discipline)
    )
    r = await findings.post(f"{BASE}/reports/{rid}/approve", headers=auth(leadership))
    assert r.status_code == 200 and r.json()["status"] == "approved"

    r = await findings.get(f"{BASE}/reports/{rid}/docx", headers=auth(discipline))
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "集体资产底数不清" in text and "52000.00" in text and "某村干部截留补贴" in text

    # The inspected org sees only the immediate problem before feedback.
    inspected = token(
        Role.inspected, jurisdiction=place.jurisdiction, org_id=str(place.orgs["town"])
    )
    r = await findings.get(f"{BASE}/problems", headers=auth(inspected))
    assert [p["id"] for p in r.json()["items"]] == [p2["id"]]

    copies = [str(place.orgs["discipline"]), str(place.orgs["organization"])]
    r = await findings.post(
        f"{BASE}/assignments/{town}/feedback",
        json={"copied_to_org_ids": copies},
        headers=auth(office),
    )
    assert r.status_code == 201, r.text
    assert r.json()["problem_count"] == 2 and r.json()["immediate_count"] == 1
    r = await findings.post(f"{BASE}/assignments/{town}/feedback", json={}, headers=auth(office))
    assert r.status_code == 409
    rows = await db.fetch(
        "SELECT envelope FROM findings.outbox WHERE type LIKE '%feedback.issued%'"
    )
    assert len(rows) == 1
    event = rows[0]["envelope"]
    event = json.loads(event) if isinstance(event, str) else event
    assert (
        event["subject"] == str(place.orgs["town"]) and event["data"]["copied_to_org_ids"] == copies
    )
    assert {(p["problem_id"], p["immediate"]) for p in event["data"]["problems"]} == {
        (p1["id"], False),
        (p2["id"], True),
    }

    r = await findings.get(f"{BASE}/problems", headers=auth(inspected))
    assert r.json()["total"] == 2
    r = await findings.get(f"{BASE}/assignments/{town}/feedback", headers=auth(inspected))
    assert r.status_code == 200
    r = await findings.patch(
        f"{BASE}/problems/{p1['id']}",
        json={"description": "改"},
        headers=auth(g1, **{"If-Match": '"2"'}),
    )
    assert r.status_code == 409
    r = await findings.post(
        f"{BASE}/problems/{p1['id']}/annotations",
        json={"text": "已反馈，跟踪整改"},
        headers=auth(office),
    )
    assert r.status_code == 201
    r = await findings.post(
        f"{BASE}/problems/{p1['id']}/annotations", json={"text": "x"}, headers=auth(inspected)
    )
    assert r.status_code == 403

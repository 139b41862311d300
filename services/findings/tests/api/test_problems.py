"""Problems: recording on one's own assignment, the problem list, immediate hand-over,
edits with If-Match, annotations, evidence, funds comparison and the ledger export."""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from xuncha_shared.auth import Role

from services.findings.tests.api.factories import BASE, NOW, auth, county, member, record


async def outbox(db: Any, type_suffix: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT envelope FROM findings.outbox WHERE type LIKE $1 ORDER BY created_at",
        f"%{type_suffix}%",
    )
    return [
        json.loads(r["envelope"]) if isinstance(r["envelope"], str) else r["envelope"] for r in rows
    ]


async def test_record_hand_over_and_edit(findings: Any, token: Any, db: Any) -> None:
    place = await county(db)
    g1 = member(token, place)
    p = await record(findings, g1, place.assignments["village_a"], amount_yuan="1234.50")
    assert p["status"] == "recorded" and p["category_name"] == "四风"
    assert p["amount_yuan"] == "1234.50" and p["clues"] == [] and p["evidence"] == []
    recorded = await outbox(db, "problem.recorded")
    assert len(recorded) == 1 and recorded[0]["data"]["amount_yuan"] == "1234.50"

    # Unknown category: 422 naming the field; category not for the org kind, likewise.
    body = {
        "assignment_id": str(place.assignments["village_a"]),
        "category": "astrology",
        "description": "x",
        "found_by": "visit",
    }
    r = await findings.post(f"{BASE}/problems", json=body, headers=auth(g1))
    assert r.status_code == 422 and r.json()["field"] == "category"
    r = await findings.post(
        f"{BASE}/problems",
        json=body | {"assignment_id": str(place.assignments["agri"]), "category": "village_assets"},
        headers=auth(member(token, place, "g2")),
    )
    assert r.status_code == 422 and r.json()["field"] == "category"

    # Immediate: handed over at once.
    q = await record(
        findings,
        g1,
        place.assignments["village_a"],
        immediate=True,
        category="living_environment",
        description="垃圾清运不及时",
    )
    assert q["status"] == "handed_over" and q["handed_over_at"]
    handed = await outbox(db, "problem.handed_over")
    assert [e["data"]["problem_id"] for e in handed] == [q["id"]]
    assert handed[0]["data"]["description"] == "垃圾清运不及时"

    # Edit with If-Match; marking immediate hands over; un-marking afterwards is a 409.
    url = f"{BASE}/problems/{p['id']}"
    r = await findings.patch(url, json={"description": "新描述"}, headers=auth(g1))
    assert r.status_code == 428
    r = await findings.patch(url, json={"immediate": True}, headers=auth(g1, **{"If-Match": '"1"'}))
    assert (
        r.status_code == 200 and r.json()["status"] == "handed_over" and r.headers["ETag"] == '"2"'
    )
    r = await findings.patch(
        url, json={"immediate": False}, headers=auth(g1, **{"If-Match": '"2"'})
    )
    assert r.status_code == 409
    r = await findings.patch(
        url, json={"description": "x"}, headers=auth(g1, **{"If-Match": '"1"'})
    )
    assert r.status_code == 412
    assert len(await outbox(db, "problem.handed_over")) == 2

    # Annotations.
    r = await findings.post(f"{url}/annotations", json={"text": "需补充材料"}, headers=auth(g1))
    assert r.status_code == 201
    r = await findings.get(f"{url}/annotations", headers=auth(g1))
    assert [a["text"] for a in r.json()] == ["需补充材料"]


async def test_batch_and_list(findings: Any, token: Any, db: Any) -> None:
    place = await county(db)
    g1 = member(token, place)
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
    r = await findings.post(f"{BASE}/problems/batch", json=body, headers=auth(g1))
    assert r.status_code == 201 and r.json()["created"] == 20 and r.json()["handed_over"] == 16
    bad = body | {"problems": [*items[:2], items[2] | {"category": "nope"}]}
    r = await findings.post(f"{BASE}/problems/batch", json=bad, headers=auth(g1))
    assert r.status_code == 422 and r.json()["field"] == "problems.2.category"

    office = token(Role.office, jurisdiction=place.jurisdiction)
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7, "immediate": "true"}
        if cursor:
            params["cursor"] = cursor
        r = await findings.get(f"{BASE}/problems", params=params, headers=auth(office))
        assert r.status_code == 200 and r.json()["total"] == 16
        seen += [p["id"] for p in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert len(set(seen)) == 16

    r = await findings.get(
        f"{BASE}/problems.xlsx", params={"immediate": "false"}, headers=auth(office)
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None and ws.max_row == 5 and ws.cell(1, 5).value == "类别"


async def test_evidence_is_content_addressed_and_sniffed(
    findings: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    g1 = member(token, place)
    p = await record(findings, g1, place.assignments["town"])
    url = f"{BASE}/problems/{p['id']}/evidence"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    digest = hashlib.sha256(pdf).hexdigest()
    for name in ("会议记录.pdf", "again.pdf"):
        r = await findings.post(url, files={"file": (name, pdf, "image/png")}, headers=auth(g1))
        assert r.status_code == 201, r.text
        assert r.json()["sha256"] == digest and r.json()["media_type"] == "application/pdf"
    assert await db.fetchval("SELECT count(*) FROM findings.evidence_files") == 1
    r = await findings.post(
        url,
        files={"file": ("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")},
        headers=auth(g1),
    )
    assert r.status_code == 415 and r.json()["field"] == "file"
    r = await findings.get(f"{BASE}/problems/{p['id']}", headers=auth(g1))
    assert [e["filename"] for e in r.json()["evidence"]] == ["会议记录.pdf"]
    r = await findings.get(f"{url}/{digest}", headers=auth(token(Role.office)))
    assert r.status_code == 200 and r.content == pdf
    # Another group's member cannot see the problem, nor its files.
    r = await findings.get(f"{url}/{digest}", headers=auth(member(token, place, "g2")))
    assert r.status_code == 404


async def test_funds_comparison_turns_gaps_into_problems(
    findings: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    g1 = member(token, place)
    url = f"{BASE}/assignments/{place.assignments['town']}/funds-projects"
    body = {
        "name": "产业扶贫资金",
        "allocated_yuan": "500000.00",
        "paid_out_yuan": "420000.00",
        "delivered_yuan": "380000.50",
    }
    # With an Idempotency-Key, a second send (a double click, a retry) records it once.
    key = auth(g1, **{"Idempotency-Key": "funds-project-0001"})
    r = await findings.post(url, json=body, headers=key)
    assert r.status_code == 201, r.text
    project = r.json()
    again = await findings.post(url, json=body, headers=key)
    assert again.status_code == 201 and again.json()["id"] == project["id"]
    assert len((await findings.get(url, headers=auth(g1))).json()) == 1
    assert Decimal(project["unpaid_gap_yuan"]) == Decimal("80000.00")
    assert Decimal(project["undelivered_gap_yuan"]) == Decimal("39999.50")
    r = await findings.post(
        f"{BASE}/funds-projects/{project['id']}/problems", json={}, headers=auth(g1)
    )
    assert r.status_code == 201, r.text
    amounts = sorted(Decimal(p["amount_yuan"]) for p in r.json())
    assert amounts == [Decimal("39999.50"), Decimal("80000.00")]
    assert all(p["funds_project_id"] == project["id"] for p in r.json())
    r = await findings.post(
        f"{BASE}/funds-projects/{project['id']}/problems", json={}, headers=auth(g1)
    )
    assert r.status_code == 409
    r = await findings.get(url, headers=auth(g1))
    assert len(r.json()[0]["problem_ids"]) == 2


async def test_problem_list_is_configurable(findings: Any, token: Any, db: Any) -> None:
    place = await county(db)
    g1 = member(token, place)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    r = await findings.get(
        f"{BASE}/categories", params={"org_kind": "department"}, headers=auth(g1)
    )
    codes = [c["code"] for c in r.json()]
    assert "party_leadership" in codes and "village_assets" not in codes
    # The office adds a category for villages and hides 四风; groups cannot edit the list.
    body = {"name": "村级工程项目", "org_kinds": ["village"], "sort_order": 15}
    r = await findings.put(f"{BASE}/categories/village_projects", json=body, headers=auth(g1))
    assert r.status_code == 403
    r = await findings.put(f"{BASE}/categories/village_projects", json=body, headers=auth(office))
    assert r.status_code == 200 and r.json()["is_default"] is False
    r = await findings.put(
        f"{BASE}/categories/four_winds",
        json={"name": "四风", "active": False},
        headers=auth(office),
    )
    assert r.status_code == 200
    p = await record(findings, g1, place.assignments["village_a"], category="village_projects")
    assert p["category_name"] == "村级工程项目"
    body = {
        "assignment_id": str(place.assignments["village_a"]),
        "category": "four_winds",
        "description": "x",
        "found_by": "visit",
    }
    r = await findings.post(f"{BASE}/problems", json=body, headers=auth(g1))
    assert r.status_code == 422 and r.json()["field"] == "category"
    # Another jurisdiction keeps the defaults.
    other = token(Role.office, jurisdiction="410800")
    r = await findings.get(f"{BASE}/categories", headers=auth(other))
    assert "four_winds" in [c["code"] for c in r.json()]


async def test_evidence_size_limit(platform: Any, clock: Any, token: Any, db: Any) -> None:
    clock.set(NOW)
    client = (await platform("findings", scheduler_enabled=False, evidence_max_bytes=2048)).client(
        "findings"
    )
    place = await county(db)
    g1 = member(token, place)
    p = await record(client, g1, place.assignments["town"])
    big = b"%PDF-1.4\n" + b"0" * 4096
    r = await client.post(
        f"{BASE}/problems/{p['id']}/evidence", files={"file": ("big.pdf", big)}, headers=auth(g1)
    )
    assert r.status_code == 413 and r.json()["field"] == "file"
    r = await client.post(
        f"{BASE}/problems/{p['id']}/evidence", files={"file": ("empty.pdf", b"")}, headers=auth(g1)
    )
    assert r.status_code == 422
    assert await db.fetchval("SELECT count(*) FROM findings.evidence_files") == 0

"""Common problems across orgs, recommendation letters from a group (文号, .docx text,
抄报 leaders), reminder letters with replies, overdue once, and who reads a letter."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role
from xuncha_shared.documents import docx_text

from services.findings.tests.api.factories import BASE, NOW, auth, county, member, record


@pytest.fixture
async def running(platform: Any, clock: Any) -> Any:
    clock.set(NOW)
    return await platform("findings", scheduler_enabled=False)


async def test_common_problems_to_recommendation_letter(running: Any, token: Any, db: Any) -> None:
    findings = running.client("findings")
    place = await county(db)
    g1, g2 = member(token, place), member(token, place, "g2")
    office = token(Role.office, jurisdiction=place.jurisdiction)
    await record(
        findings,
        g1,
        place.assignments["village_a"],
        category="village_assets",
        description="村集体资产底数不清，台账不全",
    )
    await record(
        findings,
        g2,
        place.assignments["village_b"],
        category="village_assets",
        description="集体资产底数不清。",
    )
    await record(
        findings,
        g1,
        place.assignments["town"],
        category="village_assets",
        description="村集体资产底数不清、账实不符",
    )
    await record(
        findings,
        g1,
        place.assignments["village_a"],
        category="four_winds",
        description="违规发放津补贴",
    )
    await record(
        findings, g2, place.assignments["village_b"], category="four_winds", description="公车私用"
    )

    r = await findings.get(
        f"{BASE}/common-problems", params={"round_id": str(place.round_id)}, headers=auth(office)
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 1 and body["items"][0]["org_count"] == 3 and body["threshold"] == 60
    assert "rapidfuzz" in body["method"]
    group = body["items"][0]
    r = await findings.get(
        f"{BASE}/common-problems", params={"round_id": str(place.round_id)}, headers=auth(g1)
    )
    assert r.status_code == 403
    r = await findings.get(f"{BASE}/common-problems", headers=auth(office))
    assert r.status_code == 422

    letter = {
        "kind": "recommendation",
        "addressee_org_id": str(place.orgs["agri"]),
        "problem_ids": group["problem_ids"],
        "recommendations": ["建立农村集体资产清查长效机制"],
        "copy_to": [{"account": "leader-li", "name": "李副县长"}],
    }
    r = await findings.post(f"{BASE}/letters", json=letter, headers=auth(office))
    assert r.status_code == 201, r.text
    sent = r.json()
    assert sent["doc_number"] == "巡建〔2027〕1号" and sent["reply_due_on"] == "2027-03-22"
    r = await findings.get(f"{BASE}/letters/{sent['id']}/docx", headers=auth(office))
    text = docx_text(r.content)
    assert "巡建〔2027〕1号" in text and "县农业农村局" in text and "集体资产底数不清" in text
    assert "李副县长" in text

    # Concurrent letters get consecutive numbers without gaps or duplicates.
    results = await asyncio.gather(
        *(
            findings.post(f"{BASE}/letters", json=letter | {"copy_to": []}, headers=auth(office))
            for _ in range(5)
        )
    )
    numbers = sorted(x.json()["doc_number"] for x in results)
    assert numbers == sorted(f"巡建〔2027〕{n}号" for n in range(2, 7))

    # Readers: the addressee department, the leader copied, not another department.
    dept = token(Role.department, jurisdiction=place.jurisdiction, org_id=str(place.orgs["agri"]))
    leader = token(Role.leader, jurisdiction=place.jurisdiction, subject="leader-li")
    other_leader = token(Role.leader, jurisdiction=place.jurisdiction, subject="leader-wang")
    other_dept = token(
        Role.department, jurisdiction=place.jurisdiction, org_id=str(place.orgs["discipline"])
    )
    url = f"{BASE}/letters/{sent['id']}"
    assert (await findings.get(url, headers=auth(dept))).status_code == 200
    assert (await findings.get(url, headers=auth(leader))).status_code == 200
    assert (await findings.get(url, headers=auth(other_leader))).status_code == 404
    assert (await findings.get(url, headers=auth(other_dept))).status_code == 404
    r = await findings.get(f"{BASE}/letters", headers=auth(leader))
    assert r.json()["total"] == 1
    events = await db.fetch("SELECT envelope FROM findings.outbox WHERE type LIKE '%letter.sent%'")
    assert len(events) == 6


async def test_reminder_reply_and_overdue_once(
    running: Any, token: Any, db: Any, clock: Any
) -> None:
    findings = running.client("findings")
    place = await county(db)
    g1 = member(token, place)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    settings = {
        "issuer_short": "温",
        "issuer_name": "中共温县县委巡察工作领导小组",
        "letter_reply_workdays": 10,
        "forward_reply_workdays": 10,
        "similarity_threshold": 70,
        "feedback_copy_org_ids": [],
    }
    r = await findings.put(f"{BASE}/settings", json=settings, headers=auth(office))
    assert r.status_code == 201, r.text
    p = await record(
        findings, g1, place.assignments["town"], description="镇卫生院改扩建资金缺口需县级统筹"
    )
    ids = []
    for org in ("agri", "town"):
        r = await findings.post(
            f"{BASE}/letters",
            json={
                "kind": "reminder",
                "addressee_org_id": str(place.orgs[org]),
                "problem_ids": [p["id"]],
            },
            headers=auth(office),
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    assert (
        r.json()["doc_number"] == "温巡提〔2027〕2号" and r.json()["reply_due_on"] == "2027-03-15"
    )
    # A retried request with the same Idempotency-Key takes no new number.
    again = {
        "kind": "supervision",
        "addressee_org_id": str(place.orgs["town"]),
        "problem_ids": [p["id"]],
    }
    key = auth(office, **{"Idempotency-Key": "letter-retry-1"})
    first = await findings.post(f"{BASE}/letters", json=again, headers=key)
    retry = await findings.post(f"{BASE}/letters", json=again, headers=key)
    assert first.status_code == retry.status_code == 201
    assert first.json()["doc_number"] == retry.json()["doc_number"] == "温巡督〔2027〕1号"
    dept = token(Role.department, jurisdiction=place.jurisdiction, org_id=str(place.orgs["agri"]))
    r = await findings.post(
        f"{BASE}/letters/{ids[0]}/reply", json={"text": "已列入年度预算"}, headers=auth(dept)
    )
    assert r.status_code == 200 and r.json()["replied_at"]
    r = await findings.post(
        f"{BASE}/letters/{ids[0]}/reply", json={"text": "again"}, headers=auth(dept)
    )
    assert r.status_code == 409
    clock.set(datetime(2027, 3, 16, 2, 0, tzinfo=UTC))
    for _ in range(2):
        await run_periodic_once(running.apps["findings"].state.runtime)
    overdue = await db.fetch(
        "SELECT key FROM findings.outbox WHERE type LIKE '%letter.reply_overdue%'"
    )
    assert sorted(o["key"] for o in overdue) == sorted([ids[1], first.json()["id"]])

    async def listed(**query: str) -> list[str]:
        r = await findings.get(f"{BASE}/letters", params=query, headers=auth(office))
        assert r.status_code == 200, r.text
        return sorted(x["id"] for x in r.json()["items"])

    town_id = str(place.orgs["town"])
    assert await listed(addressee_org_id=town_id) == sorted([ids[1], first.json()["id"]])
    assert await listed(replied="true") == [ids[0]]
    assert await listed(replied="false", addressee_org_id=town_id, overdue="true") == sorted(
        [ids[1], first.json()["id"]]
    )
    town = token(Role.inspected, jurisdiction=place.jurisdiction, org_id=str(place.orgs["town"]))
    r = await findings.post(
        f"{BASE}/letters/{ids[1]}/reply", json={"text": "迟复"}, headers=auth(town)
    )
    assert r.status_code == 200
    replied = await db.fetch(
        "SELECT envelope FROM findings.outbox WHERE type "
        "LIKE '%letter.replied%' ORDER BY created_at"
    )
    import json as _json

    lates = [
        (_json.loads(x["envelope"]) if isinstance(x["envelope"], str) else x["envelope"])["data"][
            "late"
        ]
        for x in replied
    ]
    assert lates == [False, True]

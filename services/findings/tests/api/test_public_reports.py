"""Public reports: the announcement, unauthenticated submission with a receipt code
(rate-limited, size-limited, only on site), status by receipt, triage into a problem, a
clue (content erased here), a forward with a reply deadline (overdue emitted once)."""

from __future__ import annotations

import io
import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role

from services.findings.tests.api.factories import (
    BASE,
    NOW,
    auth,
    county,
    create_clue_link,
    member,
    set_round_status,
)


@pytest.fixture
async def running(platform: Any, clock: Any) -> Any:
    clock.set(NOW)
    return await platform("findings", scheduler_enabled=False, public_rate_limit="3/minute")


async def submit(
    client: Any, round_id: Any, content: str = "村会计挪用低保金，请巡察组核实"
) -> Any:
    return await client.post(
        f"{BASE}/public/rounds/{round_id}/reports",
        json={"content": content, "contact": "13800000000"},
    )


async def test_announcement_submit_and_status(running: Any, token: Any, db: Any) -> None:
    findings = running.client("findings")
    place = await county(db)
    g1 = member(token, place)
    url = f"{BASE}/rounds/{place.round_id}/announcement"
    body = {
        "text": "县委第一巡察组进驻祥云镇开展巡察",
        "phone": "0391-1234567",
        "mailbox": "温县邮政信箱 1 号",
    }
    r = await findings.put(url, json=body, headers=auth(g1))
    assert r.status_code == 200, r.text
    r = await findings.get(f"{BASE}/public/rounds/{place.round_id}/announcement")
    assert (
        r.status_code == 200
        and r.json()["accepting"] is True
        and r.json()["phone"] == "0391-1234567"
    )
    # Another jurisdiction's office cannot touch it.
    r = await findings.put(url, json=body, headers=auth(token(Role.office, jurisdiction="999999")))
    assert r.status_code == 403

    r = await submit(findings, place.round_id)
    assert r.status_code == 201, r.text
    code = r.json()["receipt_code"]
    assert len(code.replace("-", "")) == 20
    stored = await db.fetchrow("SELECT * FROM findings.public_reports")
    assert stored["receipt_hash"] != code and code not in json.dumps(dict(stored), default=str)
    r = await findings.post(f"{BASE}/public/report-status", json={"receipt_code": code.lower()})
    assert r.json() == {"status": "received"}
    r = await findings.post(
        f"{BASE}/public/report-status", json={"receipt_code": "AAAA-BBBB-CCCC-DDDD-EEEE"}
    )
    assert r.status_code == 404
    events = await db.fetch("SELECT type FROM findings.outbox WHERE type LIKE '%public_report%'")
    assert [e["type"] for e in events] == ["xuncha.findings.public_report.received.v1"]


async def test_announcement_versions_and_groups(running: Any, token: Any, db: Any) -> None:
    findings = running.client("findings")
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    url = f"{BASE}/rounds/{place.round_id}/announcement"
    body = {"text": "县委巡察组进驻祥云镇开展巡察", "phone": "0391-1234567"}
    # Nothing to match yet: an If-Match for an announcement never published is refused.
    r = await findings.put(url, json=body, headers=auth(office) | {"If-Match": '"1"'})
    assert r.status_code == 412, r.text
    r = await findings.put(url, json=body, headers=auth(office))
    assert r.status_code == 200 and r.json()["version"] == 1 and r.headers["ETag"] == '"1"'
    r = await findings.get(f"{BASE}/public/rounds/{place.round_id}/announcement")
    assert r.headers["ETag"] == '"1"'
    groups = {g["name"]: sorted(o["name"] for o in g["orgs"]) for g in r.json()["groups"]}
    assert groups == {
        "第一巡察组": sorted(["祥云镇党委", "东村党支部"]),
        "第二巡察组": sorted(["西村党支部", "县农业农村局"]),
    }
    changed = body | {"phone": "0391-7654321"}
    # Published: a change without If-Match would overwrite blind, so it is refused.
    r = await findings.put(url, json=changed, headers=auth(office))
    assert r.status_code == 428 and r.json()["field"] == "If-Match"
    r = await findings.put(url, json=changed, headers=auth(office) | {"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["version"] == 2 and r.headers["ETag"] == '"2"'
    # Someone opened version 1 and publishes over the change: 412, nothing overwritten.
    r = await findings.put(url, json=body, headers=auth(office) | {"If-Match": '"1"'})
    assert r.status_code == 412 and r.json()["field"] == "If-Match"
    r = await findings.get(f"{BASE}/public/rounds/{place.round_id}/announcement")
    assert r.json()["phone"] == "0391-7654321" and r.json()["version"] == 2


async def test_burst_oversize_and_malformed_never_500(running: Any, db: Any) -> None:
    findings = running.client("findings")
    place = await county(db)
    url = f"{BASE}/public/rounds/{place.round_id}/reports"
    r = await findings.post(
        url,
        content=b'{"content": "' + b"x" * 40_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")
    r = await findings.post(url, content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    codes = [(await submit(findings, place.round_id)).status_code for _ in range(10)]
    # Three per minute, the oversized and malformed ones included: one more gets in.
    assert codes == [201] + [429] * 9
    r = await submit(findings, place.round_id)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert r.json()["message_zh"]
    assert await db.fetchval("SELECT count(*) FROM findings.public_reports") == 1


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x9b"])
async def test_a_control_character_in_the_public_form_is_refused(
    running: Any, db: Any, char: str
) -> None:
    findings = running.client("findings")
    place = await county(db)
    url = f"{BASE}/public/rounds/{place.round_id}/reports"
    for body in (
        {"content": f"村会计挪用低保金{char}请核实", "contact": "13800000000"},
        {"content": "村会计挪用低保金，请核实", "contact": f"138{char}"},
    ):
        r = await findings.post(url, json=body)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["field"] == next(k for k, v in body.items() if char in v)
        assert r.json()["message_zh"] and r.json()["message_en"]
    # A report spread over lines is still a report.
    r = await submit(findings, place.round_id, "村会计挪用低保金。\r\n\t请巡察组核实")
    assert r.status_code == 201, r.text
    assert await db.fetchval("SELECT count(*) FROM findings.public_reports") == 1


async def test_a_formula_in_a_report_is_exported_as_text(running: Any, token: Any, db: Any) -> None:
    findings = running.client("findings")
    place = await county(db)
    # Three: the form takes three a minute from one address.
    texts = ['=HYPERLINK("http://evil.example/x","点此查看")', "-2+3 村账有误", "@SUM(A1:A9)"]
    for text in texts:
        r = await submit(findings, place.round_id, text)
        assert r.status_code == 201, r.text
    office = token(Role.office, jurisdiction=place.jurisdiction)
    r = await findings.get(f"{BASE}/public-reports.xlsx", headers=auth(office))
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    column = [c.value for c in sheet[1]].index("反映内容") + 1
    cells = [sheet.cell(row=n, column=column) for n in range(2, sheet.max_row + 1)]
    assert sorted(str(c.value) for c in cells) == sorted(texts)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


async def test_a_report_that_fails_to_store_never_reaches_the_logs(
    running: Any, db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A database error on a citizen's report is a 500 whose log names the error's type,
    the route and the trace id, never the report: no SQL parameters, no failing row."""
    findings = running.client("findings")
    place = await county(db)
    canary = "金丝雀举报内容-乡长收受红包"
    # Forced: a constraint the report breaks, whose message would quote the whole row.
    await db.execute(
        "ALTER TABLE findings.public_reports ADD CONSTRAINT forced_failure "
        f"CHECK (content NOT LIKE '%{canary}%')"
    )
    with caplog.at_level(logging.DEBUG):
        r = await submit(findings, place.round_id, f"{canary}，请核实")
    assert r.status_code == 500 and r.json()["type"].endswith("/internal"), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    logged = [str(record.__dict__) + record.getMessage() for record in caplog.records]
    assert not [line for line in logged if canary in line or "13800000000" in line]
    (error,) = [rec for rec in caplog.records if rec.name == "xuncha.errors"]
    assert "IntegrityError" in error.getMessage() and "/reports" in error.getMessage()
    assert error.__dict__["trace_id"] and "public_reports" in error.__dict__["frames"]


async def test_only_on_site(running: Any, db: Any) -> None:
    findings = running.client("findings")
    place = await county(db, status="reporting")
    r = await submit(findings, place.round_id)
    # Past the on-site stage: final, nothing to retry.
    assert r.status_code == 409 and r.json()["type"].endswith("/round-stage")
    assert "Retry-After" not in r.headers
    # Before it, as far as findings has heard: planning may have moved it on site a moment
    # ago, so the client is told to retry, and can tell this from "never".
    await set_round_status(db, place.round_id, "mobilized")
    r = await submit(findings, place.round_id)
    assert r.status_code == 409 and r.json()["type"].endswith("/round-stage-pending")
    assert r.headers["Retry-After"] == "1"
    assert r.json()["round_status"] == "mobilized"
    assert r.json()["allowed_round_statuses"] == ["on_site"]


async def test_triage_outcomes(running: Any, token: Any, db: Any, clock: Any) -> None:
    findings = running.client("findings")
    place = await county(db)
    g1, office = member(token, place), token(Role.office, jurisdiction=place.jurisdiction)
    ids = []
    for i in range(4):
        r = await findings.post(
            f"{BASE}/public-reports",
            json={
                "round_id": str(place.round_id),
                "channel": "phone",
                "content": f"来电反映{i}：村道未硬化",
            },
            headers=auth(g1),
        )
        assert r.status_code == 201, r.text
    listed = await findings.get(f"{BASE}/public-reports", headers=auth(g1))
    ids = [x["id"] for x in listed.json()["items"]]
    assert len(ids) == 4 and listed.json()["total"] == 4

    # Into a problem on the group's own assignment.
    triage = f"{BASE}/public-reports/{ids[0]}/triage"
    r = await findings.post(triage, json={"outcome": "problem"}, headers=auth(g1))
    assert r.status_code == 422 and r.json()["field"] == "problem"
    r = await findings.post(
        triage,
        json={
            "outcome": "problem",
            "problem": {
                "assignment_id": str(place.assignments["village_a"]),
                "category": "living_environment",
                "description": "东村主干道约1.2公里未硬化，雨天泥泞，群众出行困难",
            },
        },
        headers=auth(g1),
    )
    assert r.status_code == 200, r.text
    problem_id = r.json()["problem_id"]
    p = (await findings.get(f"{BASE}/problems/{problem_id}", headers=auth(g1))).json()
    assert p["source_report_id"] == ids[0] and p["found_by"] == "petition"
    r = await findings.post(triage, json={"outcome": "no_action", "reason": "x"}, headers=auth(g1))
    assert r.status_code == 409

    # Into a clue proposed from it by the round's group: findings keeps no content.
    clue_id = await create_clue_link(
        db,
        jurisdiction=place.jurisdiction,
        report_id=uuid.UUID(ids[1]),
        group_id=place.groups["g1"],
    )
    r = await findings.post(
        f"{BASE}/public-reports/{ids[1]}/triage",
        json={"outcome": "clue", "clue_id": str(clue_id)},
        headers=auth(g1),
    )
    assert r.status_code == 200 and r.json()["content"] is None and r.json()["redacted"] is True
    assert (
        await db.fetchval(
            "SELECT content FROM findings.public_reports WHERE id = $1",
            uuid.UUID(ids[1]),
        )
        is None
    )

    # Forwarded to a department: due in working days, reply by that department only.
    agri = str(place.orgs["agri"])
    r = await findings.post(
        f"{BASE}/public-reports/{ids[2]}/triage",
        json={"outcome": "forwarded", "forwarded_to_org_id": agri, "reply_workdays": 5},
        headers=auth(office),
    )
    assert r.status_code == 200 and r.json()["reply_due_on"] == "2027-03-08"
    r = await findings.post(
        f"{BASE}/public-reports/{ids[3]}/triage",
        json={"outcome": "forwarded", "forwarded_to_org_id": agri, "reply_workdays": 5},
        headers=auth(g1),
    )
    dept = token(Role.department, jurisdiction=place.jurisdiction, org_id=agri, subject="agri-user")
    other = token(Role.department, jurisdiction=place.jurisdiction, org_id=str(place.orgs["town"]))
    r = await findings.get(f"{BASE}/public-reports", headers=auth(dept))
    assert r.json()["total"] == 2
    r = await findings.post(
        f"{BASE}/public-reports/{ids[2]}/reply", json={"text": "已硬化"}, headers=auth(other)
    )
    assert r.status_code == 404
    r = await findings.post(
        f"{BASE}/public-reports/{ids[2]}/reply", json={"text": "已硬化"}, headers=auth(dept)
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"

    # Overdue once, for the unanswered one only.
    clock.set(datetime(2027, 3, 9, 2, 0, tzinfo=UTC))
    for _ in range(2):
        await run_periodic_once(running.apps["findings"].state.runtime)
    overdue = await db.fetch("SELECT key FROM findings.outbox WHERE type LIKE '%reply_overdue%'")
    assert [o["key"] for o in overdue] == [ids[3]]
    triaged = await db.fetchval("SELECT count(*) FROM findings.outbox WHERE type LIKE '%triaged%'")
    assert triaged == 4

"""The org fills in and submits its plan, reports progress, claims done with the
commitment; supervisors accept or reject; completion rates, the report and its disclosure,
institutions built, the XLSX ledger."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    Place,
    auth,
    claim,
    decide,
    fed_back_county,
    fill_in,
    inspected,
    tasks_of,
    types_in_outbox,
)


@pytest.fixture
async def setup(platform: Any, db: Any, clock: Any) -> tuple[Any, Place]:
    return await fed_back_county(platform, db, clock, town_b=True)


async def test_plan_progress_acceptance_and_figures(
    setup: tuple[Any, Place], token: Any, db: Any, clock: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    discipline = token(Role.discipline, jurisdiction=place.jurisdiction)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    tasks = await tasks_of(client, org)
    assert len(tasks) == 3 and {t["org_id"] for t in tasks} == {place.org("town_a")}
    (plan,) = (await client.get(f"{BASE}/plans", headers=auth(org))).json()["items"]

    # The plan cannot be submitted until every task is filled in.
    r = await client.post(
        f"{BASE}/plans/{plan['id']}/submit",
        headers=auth(org, **{"If-Match": f'"{plan["version"]}"'}),
    )
    assert r.status_code == 422 and r.json()["code" if "code" in r.json() else "type"]
    assert r.json()["field"] == "tasks.0" and len(r.json()["errors"]) == 3
    # The immediate task keeps the deadline of its hand-over (plans.decided); the org sets
    # the others'.
    filled = [
        await fill_in(client, org, t, **({} if t["immediate"] else {"due_on": "2026-03-20"}))
        for t in tasks
    ]
    filled[2] = await fill_in(client, org, filled[2], kind="long", due_on="2026-12-31")
    assert filled[2]["kind"] == "long" and filled[2]["version"] == 3
    r = await client.patch(
        f"{BASE}/tasks/{tasks[0]['id']}",
        json={"measures": "x"},
        headers=auth(org, **{"If-Match": '"1"'}),
    )
    assert r.status_code == 412
    r = await client.patch(
        f"{BASE}/tasks/{tasks[1]['id']}", json={"due_on": "2020-01-01"},
        headers=auth(org, **{"If-Match": f'"{filled[1]["version"]}"'}),
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["field"] == "due_on"
    r = await client.post(
        f"{BASE}/plans/{plan['id']}/submit",
        headers=auth(org, **{"If-Match": f'"{plan["version"]}"'}),
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted"

    # Progress with evidence, then the done claim with the commitment.
    r = await client.post(
        f"{BASE}/tasks/{tasks[0]['id']}/progress",
        json={
            "reported_on": "2026-03-02",
            "text": "已召开专题会",
            "evidence": [{"name": "会议纪要"}],
        },
        headers=auth(org),
    )
    assert r.status_code == 201, r.text
    # A retry with the same Idempotency-Key records the report once.
    retry = {"reported_on": "2026-03-02", "text": "已整改一半"}
    for _ in range(2):
        r = await client.post(
            f"{BASE}/tasks/{tasks[0]['id']}/progress",
            json=retry,
            headers=auth(org, **{"Idempotency-Key": "progress-0001"}),
        )
        assert r.status_code == 201
    r = await client.post(
        f"{BASE}/tasks/{tasks[0]['id']}/progress",
        json={"reported_on": "2026-03-09", "text": "未来的进展"},
        headers=auth(org),
    )
    assert r.status_code == 422 and r.json()["field"] == "reported_on"
    clock.advance(timedelta(minutes=5))
    first = await claim(client, org, filled[0])
    assert first["status"] == "claimed"
    # A supervisor rejects with reasons: the task reopens; the org claims again.
    clock.advance(timedelta(minutes=5))
    rejected = await decide(client, discipline, first, accept=False)
    assert rejected["status"] == "open" and rejected["rejections"] == 1
    clock.advance(timedelta(minutes=5))
    again = await claim(client, org, rejected)
    clock.advance(timedelta(minutes=5))
    organization = token(Role.organization, jurisdiction=place.jurisdiction)
    accepted = await decide(client, organization, again, accept=True)
    assert accepted["status"] == "accepted" and accepted["on_time"] is True
    r = await client.post(
        f"{BASE}/tasks/{accepted['id']}/claim",
        json={"summary": "x", "commitment": {"signed_by": "王", "statement": "真实"}},
        headers=auth(org, **{"If-Match": f'"{accepted["version"]}"'}),
    )
    assert r.status_code == 409
    history = (
        await client.get(f"{BASE}/tasks/{accepted['id']}/progress", headers=auth(org))
    ).json()
    assert [e["kind"] for e in history] == [
        "progress", "progress", "claim", "reject", "claim", "accept",
    ]  # fmt: skip
    assert history[2]["signed_by"] == "王书记" and history[2]["signed_at"]
    assert history[3]["text"] == "佐证材料不足"

    # The second task is claimed late and accepted: not on time.
    clock.set(MONDAY + timedelta(days=30))
    late = await decide(client, discipline, await claim(client, org, filled[1]), accept=True)
    assert late["on_time"] is False

    # Completion: accepted / total, by org, round, term and category.
    r = await client.get(f"{BASE}/completion", params={"by": "org"}, headers=auth(office))
    rows = {row["key"]: row for row in r.json()["rows"]}
    assert rows[place.org("town_a")] | {"key": None} == {
        "key": None, "name": "第1镇党委", "total": 3, "accepted": 2, "rate": 2 / 3,
    }  # fmt: skip
    assert rows[place.org("town_b")]["rate"] == 0.0
    assert r.json()["total"] == 4 and r.json()["rate"] == 0.5
    r = await client.get(f"{BASE}/completion", params={"by": "category"}, headers=auth(office))
    assert {row["key"]: row["accepted"] for row in r.json()["rows"]} == {
        "funds": 1, "party_building": 1,
    }  # fmt: skip
    r = await client.get(f"{BASE}/completion", params={"by": "term"}, headers=auth(office))
    assert r.json()["rows"][0]["key"] == str(place.term_id)
    r = await client.get(
        f"{BASE}/completion",
        params={"by": "round", "org_id": place.org("town_a")},
        headers=auth(org),
    )
    assert r.json()["rows"][0] | {"key": None} == {
        "key": None, "name": "第九轮巡察", "total": 3, "accepted": 2, "rate": 2 / 3,
    }  # fmt: skip

    # Institutions built against a task, counted per org and term.
    body = {
        "name": "《村级财务管理办法》",
        "adopted_on": "2026-03-25",
        "doc_number": "温镇发〔2026〕3号",
    }
    r = await client.post(
        f"{BASE}/tasks/{tasks[1]['id']}/institutions", json=body, headers=auth(org)
    )
    assert r.status_code == 201, r.text
    r = await client.get(
        f"{BASE}/institutions/counts", params={"term_id": str(place.term_id)}, headers=auth(office)
    )
    assert r.json()["total"] == 1 and r.json()["orgs"][0]["org_name"] == "第1镇党委"

    # The report at the end of the period, signed, and its disclosure.
    report = {
        "content": "集中整改期内共整改问题3个……",
        "commitment": {"signed_by": "王书记", "statement": "对整改情况的真实性负责"},
    }
    r = await client.post(f"{BASE}/plans/{plan['id']}/report", json=report, headers=auth(org))
    assert r.status_code == 201 and r.json()["late"] is False, r.text
    r = await client.post(f"{BASE}/plans/{plan['id']}/report", json=report, headers=auth(org))
    assert r.status_code == 409
    for scope, where in (("party", "党员大会"), ("public", "县委巡察网站")):
        r = await client.post(
            f"{BASE}/plans/{plan['id']}/report/disclosures",
            json={"scope": scope, "disclosed_on": "2026-04-01", "place": where},
            headers=auth(org),
        )
        assert r.status_code == 201, r.text
    r = await client.get(f"{BASE}/plans/{plan['id']}/report", headers=auth(discipline))
    assert [d["scope"] for d in r.json()["disclosures"]] == ["party", "public"]

    # The ledger as XLSX, with the list's filters.
    r = await client.get(
        f"{BASE}/tasks.xlsx", params={"org_id": place.org("town_a")}, headers=auth(office)
    )
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows_x = list(sheet.iter_rows(values_only=True))
    assert rows_x[0][:4] == ("序号", "被巡察对象", "问题类别", "问题描述") and len(rows_x) == 4
    assert [row[11] for row in rows_x[1:]] == ["已验收", "已验收", "整改中"]

    types = await types_in_outbox(db)
    for t in ("plan.submitted.v1", "task.done_claimed.v1", "task.rejected.v1", "task.accepted.v1",
              "institution.built.v1", "report.submitted.v1"):  # fmt: skip
        assert t in types

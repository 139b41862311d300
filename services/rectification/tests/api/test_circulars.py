"""Circulars of typical cases (典型案例通报; 沅陵 004: "对不履行或不正确履行整改责任 …
整改不力、敷衍塞责、弄虚作假 … 对典型案例予以全县通报"; 孟州 002; 蛟河; 海东): the office of
the jurisdiction drafts a circular, adds cases from tasks or from an org's rectification,
and publishes it to every org of the jurisdiction; numbered once, unchangeable once
published, a .docx in the letter template, a ledger with filters and an XLSX."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.auth import Role
from xuncha_shared.documents import docx_text

from services.rectification.tests.api.factories import (
    BASE,
    OTHER,
    Place,
    auth,
    fed_back_county,
    inspected,
    tasks_of,
    types_in_outbox,
)

FINDING = "对巡察反馈的公租房分配问题只发文不落实，整改报告与实际不符。"
REFUSED = "对巡察反馈的三资管理问题拒不认领，整改方案逾期未报。"
DRAFT = {
    "title": "关于巡察整改典型案例的通报",
    "issued_on": "2026-03-10",
    "opening": "为严肃巡察整改纪律，现将近期查处的整改典型案例通报如下。",
}


@pytest.fixture
async def setup(platform: Any, db: Any, clock: Any) -> tuple[Any, Place]:
    return await fed_back_county(platform, db, clock, town_b=True)


def office_of(token: Any, place: Place) -> str:
    return str(token(Role.office, jurisdiction=place.jurisdiction, subject="office-zhang"))


async def drafted(client: Any, office: str, **headers: str) -> Any:
    return await client.post(f"{BASE}/circulars", json=DRAFT, headers=auth(office, **headers))


async def add(client: Any, office: str, c: dict[str, Any], body: dict[str, Any]) -> Any:
    return await client.post(
        f"{BASE}/circulars/{c['id']}/cases",
        json=body,
        headers=auth(office, **{"If-Match": f'"{c["version"]}"'}),
    )


async def plan_of(client: Any, office: str, place: Place, org: str) -> dict[str, Any]:
    (plan,) = (
        await client.get(f"{BASE}/plans", params={"org_id": place.org(org)}, headers=auth(office))
    ).json()["items"]
    return dict(plan)


async def test_yuanling_publishes_a_county_wide_circular_of_typical_cases(
    setup: Any, db: Any, token: Any
) -> None:
    client, place = setup
    office = office_of(token, place)
    org_a = inspected(token, place, "town_a")
    org_c = inspected(token, place, "town_c")

    # A draft, idempotent under its key.
    key = {"Idempotency-Key": f"circular-{uuid.uuid4()}"}
    r = await drafted(client, office, **key)
    assert r.status_code == 201, r.text
    circular = r.json()
    assert r.headers["Location"].endswith(f"/circulars/{circular['id']}")
    assert (circular["status"], circular["doc_number"], circular["cases"]) == ("draft", None, [])
    again = await drafted(client, office, **key)
    assert again.status_code == 201 and again.json()["id"] == circular["id"]

    # Cases: a task of town A (perfunctory), town B's whole rectification (refused).
    task = (await tasks_of(client, org_a))[0]
    r = await add(
        client, office, circular, {"task_id": task["id"], "kind": "perfunctory", "finding": FINDING}
    )
    assert r.status_code == 200, r.text
    circular = r.json()
    plan_b = await plan_of(client, office, place, "town_b")
    r = await add(
        client, office, circular, {"plan_id": plan_b["id"], "kind": "refused", "finding": REFUSED}
    )
    assert r.status_code == 200, r.text
    circular = r.json()
    cases = circular["cases"]
    assert [(c["position"], c["kind"], c["org_id"]) for c in cases] == [
        (1, "perfunctory", place.org("town_a")),
        (2, "refused", place.org("town_b")),
    ]
    assert cases[0]["task_id"] == task["id"] and cases[0]["plan_id"] == task["plan_id"]
    assert cases[1]["task_id"] is None and cases[1]["org_name"]

    # The draft is the overseers': the orgs neither see nor write it.
    r = await client.get(f"{BASE}/circulars/{circular['id']}", headers=auth(org_a))
    assert r.status_code == 404, r.text
    assert (await client.get(f"{BASE}/circulars", headers=auth(org_a))).json()["total"] == 0
    assert (await drafted(client, org_a)).status_code == 403
    discipline = token(Role.discipline, jurisdiction=place.jurisdiction)
    r = await client.get(f"{BASE}/circulars/{circular['id']}", headers=auth(discipline))
    assert r.status_code == 200
    r = await client.get(f"{BASE}/circulars/{circular['id']}/document.docx", headers=auth(office))
    assert r.status_code == 200 and "未编号" in docx_text(r.content)

    # Published: numbered, every case in the event by id and kind, never the finding.
    stale = f'"{circular["version"] - 1}"'
    url = f"{BASE}/circulars/{circular['id']}/publish"
    assert (await client.post(url, headers=auth(office))).status_code == 428
    assert (await client.post(url, headers=auth(office, **{"If-Match": stale}))).status_code == 412
    r = await client.post(url, headers=auth(office, **{"If-Match": f'"{circular["version"]}"'}))
    assert r.status_code == 200, r.text
    published = r.json()
    assert published["status"] == "published" and published["published_by"] == "office-zhang"
    assert published["doc_number"].endswith("巡整通〔2026〕1号")
    assert (await types_in_outbox(db))[-1] == "circular.published.v1"
    data = json.loads(
        await db.fetchval(
            "SELECT envelope->'data' FROM rectification.outbox ORDER BY seq DESC LIMIT 1"
        )
    )
    assert [c["kind"] for c in data["cases"]] == ["perfunctory", "refused"]
    assert data["doc_number"] == published["doc_number"]
    assert FINDING not in json.dumps(data, ensure_ascii=False)

    # Published stays published.
    r = await add(
        client, office, published, {"task_id": task["id"], "kind": "fake", "finding": "x"}
    )
    assert r.status_code == 409 and r.json()["type"].endswith("/published"), r.text
    r = await client.post(url, headers=auth(office, **{"If-Match": f'"{published["version"]}"'}))
    assert r.status_code == 409

    # Every org of the county reads it now, town C too, though none of its cases is its own.
    r = await client.get(f"{BASE}/circulars/{circular['id']}", headers=auth(org_c))
    assert r.status_code == 200 and r.json()["cases"][0]["finding"] == FINDING
    r = await client.get(f"{BASE}/circulars/{circular['id']}/document.docx", headers=auth(org_c))
    text = docx_text(r.content)
    assert published["doc_number"] in text and FINDING in text and "敷衍整改" in text
    # Another county's office does not.
    elsewhere = token(Role.office, jurisdiction=OTHER)
    r = await client.get(f"{BASE}/circulars/{circular['id']}", headers=auth(elsewhere))
    assert r.status_code == 404

    # The ledger: filters, paging, XLSX with a row per case.
    empty = await drafted(client, office)
    for params, expected in (
        ({}, 2),
        ({"status": "published"}, 1),
        ({"kind": "refused"}, 1),
        ({"kind": "fake"}, 0),
        ({"org_id": place.org("town_a")}, 1),
        ({"issued_from": "2026-03-11"}, 0),
    ):
        page = (await client.get(f"{BASE}/circulars", params=params, headers=auth(office))).json()
        assert page["total"] == expected, (params, page)
    first = (
        await client.get(f"{BASE}/circulars", params={"limit": 1}, headers=auth(office))
    ).json()
    rest = (
        await client.get(
            f"{BASE}/circulars",
            params={"limit": 1, "cursor": first["next_cursor"]},
            headers=auth(office),
        )
    ).json()
    assert {first["items"][0]["id"], rest["items"][0]["id"]} == {circular["id"], empty.json()["id"]}
    r = await client.get(
        f"{BASE}/circulars.xlsx", params={"status": "published"}, headers=auth(office)
    )
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][1] == published["doc_number"]
    assert "敷衍整改" in rows[1] and "拒不整改" in rows[2]


async def test_cases_come_from_the_jurisdiction_and_a_circular_needs_one(
    setup: Any, token: Any
) -> None:
    client, place = setup
    office = office_of(token, place)
    circular = (await drafted(client, office)).json()

    # Neither or both of task and plan: 422 naming task_id; a bad kind names kind.
    task = (await tasks_of(client, inspected(token, place, "town_a")))[0]
    for body, field in (
        ({"kind": "fake", "finding": FINDING}, "task_id"),
        (
            {"task_id": task["id"], "plan_id": task["plan_id"], "kind": "fake", "finding": FINDING},
            "task_id",
        ),
        ({"task_id": task["id"], "kind": "sloppy", "finding": FINDING}, "kind"),
        ({"task_id": task["id"], "kind": "fake", "finding": ""}, "finding"),
        ({"task_id": "not-a-uuid", "kind": "fake", "finding": FINDING}, "task_id"),
    ):
        r = await add(client, office, circular, body)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["field"] == field and problem["message_zh"] and problem["message_en"]
    # A task nobody has: 404 naming it.
    r = await add(
        client, office, circular, {"task_id": str(uuid.uuid4()), "kind": "fake", "finding": FINDING}
    )
    assert r.status_code == 404 and r.json()["field"] == "task_id", r.text
    # Publishing an empty circular is refused.
    r = await client.post(
        f"{BASE}/circulars/{circular['id']}/publish",
        headers=auth(office, **{"If-Match": f'"{circular["version"]}"'}),
    )
    assert r.status_code == 409 and r.json()["type"].endswith("/no-cases"), r.text

    # A case can be taken out of the draft, and the draft edited under If-Match.
    r = await add(
        client, office, circular, {"task_id": task["id"], "kind": "fake", "finding": FINDING}
    )
    circular = r.json()
    r = await client.delete(
        f"{BASE}/circulars/{circular['id']}/cases/{circular['cases'][0]['id']}",
        headers=auth(office, **{"If-Match": f'"{circular["version"]}"'}),
    )
    assert r.status_code == 200 and r.json()["cases"] == [], r.text
    circular = r.json()
    r = await client.patch(
        f"{BASE}/circulars/{circular['id']}",
        json={"title": "关于虚假整改典型案例的通报"},
        headers=auth(office, **{"If-Match": f'"{circular["version"]}"'}),
    )
    assert r.status_code == 200 and r.json()["title"] == "关于虚假整改典型案例的通报", r.text
    r = await client.patch(
        f"{BASE}/circulars/{circular['id']}",
        json={"title": None},
        headers=auth(office, **{"If-Match": r.headers["ETag"]}),
    )
    assert r.status_code == 422 and r.json()["field"] == "title", r.text

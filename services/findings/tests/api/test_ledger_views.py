"""What the dashboard's problem and letter ledgers need from the API: problems named by
their round and org (list and Excel), letters filtered by round and term, and a letter
export that follows the same filters as the list."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook
from xuncha_shared.auth import Role

from services.findings.tests.api.factories import BASE, auth, county, member, record


async def test_problems_carry_their_round_and_org_names(findings: Any, token: Any, db: Any) -> None:
    place = await county(db)
    g1 = member(token, place)
    await record(findings, g1, place.assignments["town"], description="镇党委落实主体责任不到位")
    await record(findings, g1, place.assignments["village_a"], immediate=True)
    office = token(Role.office, jurisdiction=place.jurisdiction)

    r = await findings.get(f"{BASE}/problems", headers=auth(office))
    assert r.status_code == 200, r.text
    named = sorted((p["round_name"], p["org_name"]) for p in r.json()["items"])
    assert named == [("第1轮", "东村党支部"), ("第1轮", "祥云镇党委")]

    r = await findings.get(f"{BASE}/problems.xlsx", headers=auth(office))
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("轮次", "被巡察对象")
    assert sorted(str(row[-1]) for row in rows[1:]) == ["东村党支部", "祥云镇党委"]

    # The inspected org sees its own immediate problem, named the same way.
    village = token(
        Role.inspected, jurisdiction=place.jurisdiction, org_id=str(place.orgs["village_a"])
    )
    r = await findings.get(f"{BASE}/problems", headers=auth(village))
    assert [p["org_name"] for p in r.json()["items"]] == ["东村党支部"]


async def _letter(client: Any, office: str, kind: str, org: Any, problem: dict[str, Any]) -> Any:
    r = await client.post(
        f"{BASE}/letters",
        json={"kind": kind, "addressee_org_id": str(org), "problem_ids": [problem["id"]]},
        headers=auth(office),
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_letters_filter_by_round_and_term_and_export_the_same(
    findings: Any, token: Any, db: Any, clock: Any
) -> None:
    first, second = await county(db), await county(db)
    await db.execute(
        "UPDATE findings.rounds SET number = 2, name = '第2轮' WHERE id = $1", second.round_id
    )
    office = token(Role.office, jurisdiction=first.jurisdiction)
    p1 = await record(findings, member(token, first), first.assignments["town"])
    p2 = await record(findings, member(token, second, "g2"), second.assignments["village_b"])
    reminder = await _letter(findings, office, "reminder", first.orgs["town"], p1)
    await _letter(findings, office, "supervision", first.orgs["town"], p1)
    recommendation = await _letter(findings, office, "recommendation", second.orgs["agri"], p2)

    async def listed(**params: Any) -> list[str]:
        r = await findings.get(f"{BASE}/letters", params=params, headers=auth(office))
        assert r.status_code == 200, r.text
        assert r.json()["total"] == len(r.json()["items"])
        return [x["doc_number"] for x in r.json()["items"]]

    async def exported(**params: Any) -> list[str]:
        r = await findings.get(f"{BASE}/letters.xlsx", params=params, headers=auth(office))
        assert r.status_code == 200, r.text
        sheet = load_workbook(io.BytesIO(r.content)).active
        assert sheet is not None
        return [str(row[1]) for row in list(sheet.iter_rows(values_only=True))[1:]]

    assert len(await listed(round_id=str(first.round_id))) == 2
    assert await listed(term_id=str(second.term_id)) == [recommendation["doc_number"]]
    assert await listed(round_id=str(first.round_id), kind="reminder") == [reminder["doc_number"]]
    assert await exported(round_id=str(second.round_id)) == [recommendation["doc_number"]]
    assert await exported(kind="supervision", round_id=str(second.round_id)) == []

    # Past every reply deadline, the export follows the overdue filter like the list.
    clock.set(datetime(2027, 6, 1, 2, 0, tzinfo=UTC))
    late = await listed(overdue="true")
    assert len(late) == 3 and sorted(await exported(overdue="true")) == sorted(late)
    assert await exported(overdue="false") == []

    r = await findings.get(f"{BASE}/letters", params={"round_id": "x"}, headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "round_id"

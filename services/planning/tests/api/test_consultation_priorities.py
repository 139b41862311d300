"""Orgs with serious answers are put first in the plan (对问题突出的党组织优先安排巡察, 002):
the term's priority list, most serious first, with whether each is still to be inspected."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.planning.tests.api.consultation_factories import (
    BASE,
    answer,
    ask,
    auth,
    county,
    create_org,
    create_round,
    create_term,
    department_token,
)


@pytest.fixture
async def planning(platform: Any, clock: Any) -> Any:
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    return (await platform("planning", scheduler_enabled=False)).client("planning")


async def test_serious_answers_put_orgs_first(planning: Any, token: Any, db: Any) -> None:
    place = await county(db)
    j = place.jurisdiction
    office = token(Role.office, jurisdiction=j)
    # An org not yet assigned in any round: the office asks about it to plan the next one.
    town_c = await create_org(db, jurisdiction=j, code="T03", name="槐树乡", kind="township")
    orgs = {**place.orgs, "town_c": town_c}
    discipline = await ask(planning, office, place, "discipline")
    organization = await ask(
        planning,
        office,
        place,
        "organization",
        topics=["cadre_selection"],
        org_ids=[str(orgs[k]) for k in ("town_a", "town_c", "finance")],
    )
    by_discipline = department_token(token, place, "discipline")
    by_organization = department_token(token, place, "organization", role="organization")
    for key, severity in (("town_a", "serious"), ("finance", "minor"), ("town_b", "none")):
        await answer(planning, by_discipline, discipline["id"], orgs[key], severity)
    for key in ("town_a", "town_c", "finance"):
        await answer(planning, by_organization, organization["id"], orgs[key], "serious")
    # A later correction counts as it stands now.
    await answer(
        planning, by_discipline, discipline["id"], orgs["town_b"], "serious", if_match='"1"',
        expect=200,
    )  # fmt: skip
    await answer(
        planning, by_discipline, discipline["id"], orgs["town_b"], "none", if_match='"2"',
        expect=200,
    )  # fmt: skip
    # Another term's consultations do not count in this term.
    other_term = await create_term(db, jurisdiction=j, name="六届市委")
    other_round = await create_round(db, jurisdiction=j, term_id=other_term)
    r = await planning.post(
        f"{BASE}/consultations",
        json={
            "round_id": str(other_round),
            "department_org_id": str(place.departments["audit"]),
            "topics": ["audit"],
            "org_ids": [str(orgs["village"])],
        },
        headers=auth(office),
    )
    assert r.status_code == 201, r.text
    await answer(
        planning,
        department_token(token, place, "audit", role="department"),
        r.json()["id"],
        orgs["village"],
        "serious",
    )

    url = f"{BASE}/terms/{place.term_id}/priorities"
    r = await planning.get(url, headers=auth(office))
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 3
    listed = [(i["org_name"], i["serious_count"], i["minor_count"]) for i in page["items"]]
    assert listed == [("城伯镇", 2, 0), ("市财政局", 1, 1), ("槐树乡", 1, 0)]
    town_a = page["items"][0]
    assert sorted(town_a["department_org_ids"]) == sorted(
        str(place.departments[k]) for k in ("discipline", "organization")
    )
    assert town_a["assigned_round_ids"] == [str(place.round_id)]
    assert town_a["awaiting_inspection"] is False
    assert page["items"][2]["awaiting_inspection"] is True
    assert page["items"][2]["assigned_round_ids"] == []

    r = await planning.get(url, params={"awaiting": "true"}, headers=auth(office))
    assert [i["org_name"] for i in r.json()["items"]] == ["槐树乡"] and r.json()["total"] == 1
    r = await planning.get(url, params={"awaiting": "false"}, headers=auth(office))
    assert r.json()["total"] == 2

    # Walk the list a page at a time: same order, nothing twice.
    names: list[str] = []
    cursor = None
    while True:
        params = {"limit": 1, "min_severity": "minor"} | ({"cursor": cursor} if cursor else {})
        r = await planning.get(
            url, params=params, headers=auth(token(Role.leadership, jurisdiction=j))
        )
        assert r.status_code == 200, r.text
        names += [i["org_name"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert names == ["城伯镇", "市财政局", "槐树乡"]

    refused: list[tuple[dict[str, Any], str, int]] = [
        ({"min_severity": "none"}, "min_severity", 422),
        ({"awaiting": "maybe"}, "awaiting", 422),
        ({"cursor": "WyJ4IiwgMSwgIngiXQ=="}, "cursor", 400),  # ["x", 1, "x"]
        ({"limit": 501}, "limit", 422),
    ]
    for params, field, status in refused:
        r = await planning.get(url, params=params, headers=auth(office))
        assert r.status_code == status and r.json()["field"] == field, (params, r.text)

"""Who sees and does what in a consultation: the office everything of its jurisdiction, the
leadership group reads, the department addressed reads and answers its own, a group member
reads only the answers about his group's orgs, inspected orgs nothing; other jurisdictions'
records are 404."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.auth import Role

from services.planning.tests.api.consultation_factories import (
    BASE,
    County,
    add_member,
    answer,
    ask,
    assign,
    auth,
    county,
    create_group,
    create_round,
    department_token,
    group_token,
)


@pytest.fixture
async def planning(platform: Any, clock: Any) -> Any:
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    return (await platform("planning", scheduler_enabled=False)).client("planning")


def callers(token: Any, place: County) -> dict[str, str]:
    j = place.jurisdiction
    return {
        "office": token(Role.office, jurisdiction=j),
        "leadership": token(Role.leadership, jurisdiction=j),
        "member_g1": group_token(token, place, "leader1"),
        "member_g2": group_token(token, place, "member2"),
        "not_in_round": group_token(token, place, "idle"),
        "addressed": department_token(token, place, "discipline"),
        "addressed_person": token(
            Role.discipline, jurisdiction=j, org_id=str(place.departments["discipline"])
        ),
        "other_department": department_token(token, place, "audit", role="department"),
        "department_no_org": token(Role.department, jurisdiction=j),
        "inspected": token(Role.inspected, jurisdiction=j, org_id=str(place.orgs["town_a"])),
        "leader": token(Role.leader, jurisdiction=j),
        "other_office": token(Role.office, jurisdiction="220281"),
        "other_member": token(Role.group, jurisdiction="220281", subject=place.accounts["leader1"]),
        "other_system": token(
            "service", "discipline", jurisdiction="220281",
            org_id=str(place.departments["discipline"]),
        ),
    }  # fmt: skip


ALL = ("town_a", "village", "town_b", "finance")
# How many of the consultation's four orgs each caller sees the answers of; a status
# instead of a number where the request is refused.
ANSWERS_SEEN: dict[str, int] = {
    "office": 4,
    "leadership": 4,
    "member_g1": 2,
    "member_g2": 2,
    "not_in_round": 404,
    "addressed": 4,
    "addressed_person": 4,
    "other_department": 404,
    "department_no_org": 403,
    "inspected": 403,
    "leader": 403,
    "other_office": 404,
    "other_member": 404,
    "other_system": 404,
}


async def test_authorization_matrix(planning: Any, token: Any, db: Any) -> None:
    place = await county(db)
    who = callers(token, place)
    c = await ask(planning, who["office"], place, "discipline")
    await answer(planning, who["addressed"], c["id"], place.orgs["town_a"], "serious")
    await answer(planning, who["addressed"], c["id"], place.orgs["town_b"], "minor")
    url = f"{BASE}/consultations/{c['id']}"

    assert (await planning.get(url)).status_code == 401
    assert (await planning.get(f"{BASE}/consultations")).status_code == 401

    for name, tok in who.items():
        expected = ANSWERS_SEEN[name]
        # One consultation: seen by those who may see it.
        r = await planning.get(url, headers=auth(tok))
        assert r.status_code == (200 if expected < 400 else expected), (name, r.text)
        # Its answers: a group member only his group's orgs.
        r = await planning.get(f"{url}/answers", headers=auth(tok))
        if expected >= 400:
            assert r.status_code == expected, (name, r.text)
        else:
            assert r.status_code == 200 and r.json()["total"] == expected, (name, r.text)
        # Across consultations: the same rows, or nothing at all.
        r = await planning.get(f"{BASE}/consultation-answers", headers=auth(tok))
        if expected in (403,):
            assert r.status_code == 403, (name, r.text)
        else:
            seen = expected if expected < 400 else 0
            assert r.status_code == 200 and r.json()["total"] == seen, (name, r.text)
        r = await planning.get(f"{BASE}/consultations", headers=auth(tok))
        if expected == 403:
            assert r.status_code == 403, (name, r.text)
        else:
            assert r.json()["total"] == (1 if expected < 400 else 0), (name, r.text)

    # Group 1 reads town A's answer; town B's belongs to group 2.
    town_a, town_b = place.orgs["town_a"], place.orgs["town_b"]
    r = await planning.get(f"{url}/answers/{town_a}", headers=auth(who["member_g1"]))
    assert r.status_code == 200 and r.json()["severity"] == "serious" and r.json()["text"]
    r = await planning.get(f"{url}/answers/{town_b}", headers=auth(who["member_g1"]))
    assert r.status_code == 404
    r = await planning.get(f"{url}/answers", headers=auth(who["member_g2"]))
    assert {i["org_id"] for i in r.json()["items"]} == {str(town_b), str(place.orgs["finance"])}

    # Answering: the department addressed (system or person) and the office entering a
    # paper reply; readers who are not the addressee are refused, others never see it.
    answer_status = {
        "addressed": 201, "addressed_person": 200, "office": 200,
        "leadership": 403, "member_g1": 403, "member_g2": 403, "not_in_round": 404,
        "other_department": 404, "department_no_org": 403, "inspected": 403, "leader": 403,
        "other_office": 404, "other_member": 404, "other_system": 404,
    }  # fmt: skip
    village = place.orgs["village"]
    for name, status in answer_status.items():
        etag = (
            await planning.get(f"{url}/answers/{village}", headers=auth(who["office"]))
        ).headers["ETag"]
        r = await answer(planning, who[name], c["id"], village, "none", if_match=etag, expect=None)
        assert r.status_code == status, (name, r.text)

    # Office-only writes.
    writes = [
        ("patch", url, {"note": "请重点反映班子成员情况"}),
        ("post", f"{url}/chase", None),
        ("post", f"{url}/close", None),
    ]
    for name, tok in who.items():
        if name == "office":
            continue
        for method, target, body in writes:
            r = await planning.request(
                method.upper(), target, json=body, headers=auth(tok, **{"If-Match": '"1"'})
            )
            expect = 404 if name == "other_office" else 403
            assert r.status_code == expect, (name, method, target, r.text)
        consultation = {
            "round_id": str(place.round_id),
            "department_org_id": str(place.departments["police"]),
            "topics": ["public_security"],
        }
        r = await planning.post(f"{BASE}/consultations", json=consultation, headers=auth(tok))
        expect = 422 if name == "other_office" else 403  # another jurisdiction's round
        assert r.status_code == expect, (name, r.text)
        r = await planning.put(
            f"{BASE}/consultation-settings",
            json={"reply_workdays": 5, "remind_workdays_before": 1},
            headers=auth(tok),
        )
        assert r.status_code == (201 if name == "other_office" else 403), (name, r.text)
    r = await planning.get(url, headers=auth(who["office"]))
    etag = r.headers["ETag"]
    for method, target, body in writes:
        r = await planning.request(
            method.upper(), target, json=body, headers=auth(who["office"], **{"If-Match": etag})
        )
        assert r.status_code == 200, (method, r.text)
        etag = r.headers["ETag"]

    # Settings are read by every role that takes part in consultations.
    for name, tok in who.items():
        r = await planning.get(f"{BASE}/consultation-settings", headers=auth(tok))
        assert r.status_code == (403 if ANSWERS_SEEN[name] == 403 else 200), (name, r.text)


async def test_priority_list_is_for_the_office_and_leadership(
    planning: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    who = callers(token, place)
    url = f"{BASE}/terms/{place.term_id}/priorities"
    expected = {"office": 200, "leadership": 200, "other_office": 404}
    for name, tok in who.items():
        r = await planning.get(url, headers=auth(tok))
        assert r.status_code == expected.get(name, 403), (name, r.text)
    r = await planning.get(f"{BASE}/terms/{place.round_id}/priorities", headers=auth(who["office"]))
    assert r.status_code == 404 and r.json()["field"] == "term_id"


async def test_a_member_of_another_round_sees_nothing_of_this_one(
    planning: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    c = await ask(planning, office, place, "organization", topics=["cadre_selection"])
    # The idle cadre joins a group of another round that inspects town A too.
    round_2 = await create_round(
        db, jurisdiction=place.jurisdiction, term_id=place.term_id, number=2
    )
    group = await create_group(db, round_id=round_2, name="第三巡察组")
    cadre = await db.fetchval(
        "SELECT id FROM planning.cadres WHERE account = $1", place.accounts["idle"]
    )
    await add_member(db, group_id=group, cadre_id=cadre, round_id=round_2, role="leader")
    await assign(db, round_id=round_2, group_id=group, org_id=place.orgs["town_a"])
    idle = group_token(token, place, "idle")
    r = await planning.get(f"{BASE}/consultations/{c['id']}", headers=auth(idle))
    assert r.status_code == 404
    r = await planning.get(f"{BASE}/consultation-answers", headers=auth(idle))
    assert r.status_code == 200 and r.json()["total"] == 0

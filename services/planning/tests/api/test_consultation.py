"""Pre-inspection consultation over HTTP (巡前函询, 001, 002): the office asks departments about
the orgs of a round with a deadline in Chinese working days; departments' systems answer per
org; answers are corrected with If-Match until the office closes the consultation."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event

from services.planning.tests.api.consultation_factories import (
    BASE,
    answer,
    ask,
    auth,
    county,
    department_token,
)

# Monday 2 March 2026, 09:00 in Beijing.
MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
async def planning(platform: Any, clock: Any) -> Any:
    clock.set(MONDAY)
    return (await platform("planning", scheduler_enabled=False)).client("planning")


async def outbox(db: Any, kind: str | None = None) -> list[dict[str, Any]]:
    rows = await db.fetch("SELECT type, envelope FROM planning.outbox ORDER BY seq")
    envelopes = [json.loads(r["envelope"]) for r in rows]
    for envelope in envelopes:
        assert_valid_event(envelope)
    return [
        e
        for e in envelopes
        if kind is None or e["type"] == f"xuncha.planning.consultation.{kind}.v1"
    ]


async def test_office_asks_and_the_department_answers_per_org(
    planning: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    system = department_token(token, place, "discipline")
    c = await ask(planning, office, place, "discipline", note="请于期限内书面答复")

    # Default orgs: the round's assignments, in code order; five working days, end of day.
    assert c["org_ids"] == [str(place.orgs[k]) for k in ("town_a", "village", "town_b", "finance")]
    assert c["department_name"] == "市纪委监委" and c["status"] == "pending"
    assert c["reply_workdays"] == 5 and c["due_on"] == "2026-03-09"
    assert c["deadline_at"] == "2026-03-09T15:59:59.999999Z"  # 23:59:59.999999 in Beijing
    assert c["answered_count"] == 0 and c["org_count"] == 4 and c["overdue"] is False
    (requested,) = await outbox(db, "requested")
    assert requested["subject"] == c["id"] and requested["jurisdiction"] == place.jurisdiction
    assert requested["data"]["org_ids"] == c["org_ids"]
    assert requested["data"]["due_on"] == "2026-03-09"
    assert requested["data"]["topics"] == ["discipline_reports", "clues"]

    # The department's system finds it and answers org by org.
    r = await planning.get(
        f"{BASE}/consultations", params={"status": "pending"}, headers=auth(system)
    )
    assert [i["id"] for i in r.json()["items"]] == [c["id"]]
    town_a, village = place.orgs["town_a"], place.orgs["village"]
    r = await answer(
        planning, system, c["id"], town_a, "serious", text="信访举报12件，反映班子成员违规问题",
        petition_count=12, clue_count=3,
    )  # fmt: skip
    first = r.json()
    assert r.headers["ETag"] == '"1"' and first["version"] == 1
    assert first["severity"] == "serious" and first["petition_count"] == 12
    assert first["answered_by"] == f"system-discipline-{place.jurisdiction}"
    assert first["entered_by_office"] is False

    # Answering twice is a correction: If-Match required, stale ETag refused.
    r = await answer(planning, system, c["id"], town_a, "minor", expect=428)
    assert r.json()["field"] == "If-Match"
    r = await answer(
        planning, system, c["id"], town_a, "minor", if_match='"1"', expect=200, clue_count=1
    )
    assert r.json()["severity"] == "minor" and r.json()["version"] == 2
    assert r.json()["answered_at"] == first["answered_at"]
    r = await answer(planning, system, c["id"], town_a, "serious", if_match='"1"', expect=412)
    # The same answer again changes nothing and says nothing.
    r = await answer(
        planning, system, c["id"], town_a, "minor", if_match='"2"', expect=200, clue_count=1
    )
    assert r.json()["version"] == 2
    assert len(await outbox(db, "answered")) == 2

    r = await planning.get(
        f"{BASE}/consultations/{c['id']}/answers/{village}", headers=auth(system)
    )
    assert r.status_code == 200 and r.headers["ETag"] == '"0"' and r.json()["answered"] is False
    await answer(planning, system, c["id"], village, "none", if_match='"0"')
    await answer(planning, system, c["id"], place.orgs["town_b"])
    r = await planning.get(f"{BASE}/consultations/{c['id']}", headers=auth(system))
    assert r.json()["answered_count"] == 3 and r.json()["status"] == "pending"
    await answer(planning, system, c["id"], place.orgs["finance"], "serious")
    r = await planning.get(f"{BASE}/consultations/{c['id']}", headers=auth(office))
    done, done_etag = r.json(), r.headers["ETag"]
    assert done["status"] == "answered" and done["completed_at"] and done["answered_count"] == 4
    assert done_etag == '"2"'  # completing it is a change of the consultation

    # An org outside the consultation is not there to answer.
    r = await answer(planning, system, c["id"], place.departments["audit"], expect=404)
    assert r.json()["field"] == "org_id"

    # Events carry ids and severity, never the text or the figures.
    answered = await outbox(db, "answered")
    assert [e["data"]["severity"] for e in answered] == [
        "serious", "minor", "none", "none", "serious",
    ]  # fmt: skip
    assert [e["data"]["revision"] for e in answered] == [1, 2, 1, 1, 1]
    assert [e["data"]["all_answered"] for e in answered] == [False] * 4 + [True]
    for e in answered:
        assert e["subject"] == c["id"] and "text" not in e["data"]
        assert "petition_count" not in e["data"] and "信访" not in json.dumps(e, ensure_ascii=False)

    # Closed: answers are final.
    r = await planning.post(
        f"{BASE}/consultations/{c['id']}/close",
        headers=auth(office, **{"If-Match": done_etag}),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["closed_at"]
    r = await answer(planning, system, c["id"], village, "serious", if_match='"1"', expect=409)
    assert r.json()["type"].endswith("/consultation-closed")
    (closed,) = await outbox(db, "closed")
    assert closed["data"]["answered_count"] == 4 and closed["data"]["unanswered_org_ids"] == []


async def test_office_chases_the_orgs_unanswered_until_all_are_answered(
    planning: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    c = await ask(
        planning,
        office,
        place,
        "organization",
        topics=["cadre_selection"],
        org_ids=[str(place.orgs["finance"]), str(place.orgs["town_b"])],
    )
    url = f"{BASE}/consultations/{c['id']}/chase"
    await answer(planning, office, c["id"], place.orgs["finance"], "none")
    r = await planning.post(url, headers=auth(office, **{"If-Match": '"1"'}))
    assert r.status_code == 200, r.text
    assert r.json()["chase_count"] == 1 and r.json()["chased_at"] and r.json()["version"] == 2
    assert r.headers["ETag"] == '"2"'
    # A second press on the same page (the version it read) chases once only.
    r = await planning.post(url, headers=auth(office, **{"If-Match": '"1"'}))
    assert r.status_code == 412
    (chased,) = await outbox(db, "chased")
    assert chased["data"]["unanswered_org_ids"] == [str(place.orgs["town_b"])]
    assert chased["data"]["chase_number"] == 1 and chased["data"]["answered_count"] == 1
    assert chased["data"]["department_org_id"] == str(place.departments["organization"])
    # Nothing left to chase once every org is answered.
    await answer(planning, office, c["id"], place.orgs["town_b"], "none")
    read = await planning.get(f"{BASE}/consultations/{c['id']}", headers=auth(office))
    assert read.json()["status"] == "answered"
    r = await planning.post(url, headers=auth(office, **{"If-Match": read.headers["ETag"]}))
    assert r.status_code == 409 and r.json()["type"].endswith("/all-answered")
    assert len(await outbox(db, "chased")) == 1


async def test_office_enters_a_paper_reply_and_closes_with_orgs_unanswered(
    planning: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    c = await ask(
        planning,
        office,
        place,
        "organization",
        topics=["cadre_selection", "appointments"],
        org_ids=[str(place.orgs["finance"]), str(place.orgs["town_b"])],
    )
    assert c["org_ids"] == [str(place.orgs["town_b"]), str(place.orgs["finance"])]
    # 书面通报: the office records what the organization department sent on paper.
    r = await answer(planning, office, c["id"], place.orgs["finance"], "minor")
    assert r.json()["entered_by_office"] is True
    r = await planning.post(
        f"{BASE}/consultations/{c['id']}/close", headers=auth(office, **{"If-Match": '"1"'})
    )
    assert r.status_code == 200 and r.json()["answered_count"] == 1
    (closed,) = await outbox(db, "closed")
    assert closed["data"]["unanswered_org_ids"] == [str(place.orgs["town_b"])]
    r = await planning.post(
        f"{BASE}/consultations/{c['id']}/close", headers=auth(office, **{"If-Match": '"2"'})
    )
    assert r.status_code == 409
    r = await planning.patch(
        f"{BASE}/consultations/{c['id']}",
        json={"note": "补充"},
        headers=auth(office, **{"If-Match": '"2"'}),
    )
    assert r.status_code == 409


async def test_bad_input_is_a_4xx_naming_the_field(planning: Any, token: Any, db: Any) -> None:
    place = await county(db)
    other = await county(db, jurisdiction="220281", prefix="JH")
    office = token(Role.office, jurisdiction=place.jurisdiction)
    round_id, discipline = str(place.round_id), str(place.departments["discipline"])
    town_a = str(place.orgs["town_a"])
    good = {"round_id": round_id, "department_org_id": discipline, "topics": ["clues"]}
    cases: list[tuple[dict[str, Any], str, int]] = [
        ({**good, "round_id": "x"}, "round_id", 422),
        ({**good, "round_id": str(other.round_id)}, "round_id", 422),
        ({**good, "department_org_id": str(other.departments["police"])}, "department_org_id", 422),
        ({**good, "department_org_id": town_a}, "department_org_id", 422),
        ({**good, "topics": []}, "topics", 422),
        ({**good, "topics": ["weather"]}, "topics.0", 422),
        ({**good, "org_ids": []}, "org_ids", 422),
        ({**good, "org_ids": [town_a, town_a]}, "org_ids.1", 422),
        ({**good, "org_ids": [town_a, str(other.orgs["town_a"])]}, "org_ids.1", 422),
        ({**good, "org_ids": [discipline]}, "org_ids.0", 422),
        ({**good, "reply_workdays": 0}, "reply_workdays", 422),
        ({**good, "reply_workdays": 61}, "reply_workdays", 422),
        ({**good, "note": "长" * 2001}, "note", 422),
        ({**good, "unknown": True}, "unknown", 422),
    ]  # fmt: skip
    for body, field, status in cases:
        r = await planning.post(f"{BASE}/consultations", json=body, headers=auth(office))
        assert r.status_code == status, (body, r.text)
        problem = r.json()
        assert problem["field"] == field, (body, problem)
        assert problem["message_zh"] and problem["message_en"]
        assert r.headers["content-type"].startswith("application/problem+json")

    # A round past the on-site stage takes no more consultations.
    await db.execute(
        "UPDATE planning.rounds SET status = 'reporting' WHERE id = $1", place.round_id
    )
    r = await planning.post(f"{BASE}/consultations", json=good, headers=auth(office))
    assert r.status_code == 409 and r.json()["field"] == "round_id"
    await db.execute("UPDATE planning.rounds SET status = 'on_site' WHERE id = $1", place.round_id)

    # Asking the same department about the same org twice while it is open: 409.
    c = await ask(planning, office, place, "discipline", org_ids=[town_a])
    r = await planning.post(
        f"{BASE}/consultations", json={**good, "org_ids": [town_a]}, headers=auth(office)
    )
    assert r.status_code == 409 and r.json()["field"] == "org_ids"
    await ask(planning, office, place, "audit", org_ids=[town_a])  # another department is fine

    system = department_token(token, place, "discipline")
    answers = [
        ({"severity": "serious", "petition_count": 1, "clue_count": 0}, "text"),
        ({"severity": "grave", "text": "x", "petition_count": 1, "clue_count": 0}, "severity"),
        ({"severity": "none", "petition_count": -1, "clue_count": 0}, "petition_count"),
        ({"severity": "none", "petition_count": 0}, "clue_count"),
        ({"severity": "none", "text": "长" * 4001, "petition_count": 0, "clue_count": 0}, "text"),
    ]
    for body, field in answers:
        r = await planning.put(
            f"{BASE}/consultations/{c['id']}/answers/{town_a}", json=body, headers=auth(system)
        )
        assert r.status_code == 422 and r.json()["field"] == field, (body, r.text)
    r = await answer(planning, system, c["id"], town_a, if_match='"7"', expect=412)
    # A malformed If-Match can never match a version: a 422 naming the header, as documented.
    r = await answer(planning, system, c["id"], town_a, if_match="seven", expect=422)
    assert r.json()["field"] == "If-Match"
    for params in ({"cursor": "!!"}, {"status": "lost"}, {"limit": 0}):
        r = await planning.get(f"{BASE}/consultations", params=params, headers=auth(office))
        assert 400 <= r.status_code < 500 and r.json()["field"], (params, r.text)
    bad_cursor = "WyJub3QtYS1kYXRlIiwgIngiXQ=="  # ["not-a-date", "x"]: decodes, wrong types
    r = await planning.get(f"{BASE}/consultations?cursor={bad_cursor}", headers=auth(office))
    assert r.status_code == 400 and r.json()["field"] == "cursor"
    r = await planning.get(f"{BASE}/consultation-answers?cursor={bad_cursor}", headers=auth(office))
    assert r.status_code == 400 and r.json()["field"] == "cursor"
    r = await planning.get(f"{BASE}/consultations/not-a-uuid", headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "consultation_id"


async def test_lists_filter_and_paginate(planning: Any, token: Any, db: Any, clock: Any) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    made = []
    for key in ("discipline", "organization", "audit", "petitions", "police"):
        made.append(await ask(planning, office, place, key))
        clock.advance(timedelta(minutes=1))
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        r = await planning.get(f"{BASE}/consultations", params=params, headers=auth(office))
        page = r.json()
        assert page["total"] == 5
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [c["id"] for c in reversed(made)]  # newest first

    audit = department_token(token, place, "audit", role="department")
    await answer(planning, audit, made[2]["id"], place.orgs["town_a"], "serious")
    r = await planning.get(
        f"{BASE}/consultations",
        params={"department_org_id": str(place.departments["audit"])},
        headers=auth(office),
    )
    assert [i["id"] for i in r.json()["items"]] == [made[2]["id"]]
    r = await planning.get(
        f"{BASE}/consultation-answers", params={"severity": "serious"}, headers=auth(office)
    )
    assert r.json()["total"] == 1 and r.json()["items"][0]["org_name"] == "城伯镇"
    r = await planning.get(
        f"{BASE}/consultation-answers",
        params={"org_id": str(place.orgs["village"]), "answered": "false"},
        headers=auth(office),
    )
    assert r.json()["total"] == 5
    names: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, "round_id": str(place.round_id)} | (
            {"cursor": cursor} if cursor else {}
        )
        r = await planning.get(f"{BASE}/consultation-answers", params=params, headers=auth(office))
        names += [i["org_code"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert names == sorted(names) and len(names) == 20

    clock.advance(timedelta(days=10))
    r = await planning.get(
        f"{BASE}/consultations", params={"overdue": "true"}, headers=auth(office)
    )
    assert r.json()["total"] == 5 and all(i["overdue"] for i in r.json()["items"])


async def test_idempotency_key_sends_once(planning: Any, token: Any, db: Any) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    body = {
        "round_id": str(place.round_id),
        "department_org_id": str(place.departments["police"]),
        "topics": ["public_security"],
    }
    headers = auth(office, **{"Idempotency-Key": "consult-police-round1"})
    first, again = [
        await planning.post(f"{BASE}/consultations", json=body, headers=headers) for _ in range(2)
    ]
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert await db.fetchval("SELECT count(*) FROM planning.consultations") == 1
    assert len(await outbox(db, "requested")) == 1


async def test_the_last_two_answers_at_once_complete_it_once(
    planning: Any, token: Any, db: Any
) -> None:
    place = await county(db)
    office = token(Role.office, jurisdiction=place.jurisdiction)
    system = department_token(token, place, "discipline")
    c = await ask(planning, office, place, "discipline")
    await answer(planning, system, c["id"], place.orgs["town_a"])
    await answer(planning, system, c["id"], place.orgs["village"])
    await asyncio.gather(
        answer(planning, system, c["id"], place.orgs["town_b"]),
        answer(planning, system, c["id"], place.orgs["finance"]),
    )
    flags = [e["data"]["all_answered"] for e in await outbox(db, "answered")]
    assert flags == [False, False, False, True]
    row = await db.fetchrow("SELECT status, version FROM planning.consultations")
    assert row["status"] == "answered" and row["version"] == 2

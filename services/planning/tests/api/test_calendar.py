"""The holiday calendar over HTTP: an office enters a year the package does not know,
deadlines use it, and every other service projects it.

The chinese-calendar package's data ends with 2026, so 2026 is "official" here and 2027
needs the office. The 2027 calendar below is INVENTED test data in the usual shape of a
State Council notice (New Year, a Spring Festival week, Qingming, Labour Day, Dragon Boat,
Mid-Autumn, National Day, with make-up Saturdays and Sundays); it is not the real 2027
schedule, which had not been published.
"""

from __future__ import annotations

import importlib
import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.calendar import load_calendar
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import eventually

J = "410825"
OTHER = "410826"
CONSUMERS = ("findings", "clues", "rectification", "notify")
EVENT_TYPE = "xuncha.planning.holiday_calendar.published.v1"


def _days(first: str, last: str) -> list[str]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [(a + timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


# Invented, see the module docstring.
HOLIDAYS_2027 = [
    *_days("2027-01-01", "2027-01-03"),  # New Year: Fri 1 .. Sun 3 Jan
    *_days("2027-02-05", "2027-02-12"),  # Spring Festival: Fri 5 .. Fri 12 Feb
    *_days("2027-04-03", "2027-04-05"),  # Qingming: Sat 3 .. Mon 5 Apr
    *_days("2027-05-01", "2027-05-05"),  # Labour Day: Sat 1 .. Wed 5 May
    "2027-06-09",  # Dragon Boat: Wed 9 Jun
    "2027-09-15",  # Mid-Autumn: Wed 15 Sep
    *_days("2027-10-01", "2027-10-07"),  # National Day: Fri 1 .. Thu 7 Oct
]
WORKDAYS_2027 = ["2027-02-20", "2027-04-25", "2027-05-08", "2027-09-26", "2027-10-09"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def planning(platform: Any) -> Any:
    return (await platform("planning")).client("planning")


async def put_year(
    client: Any,
    tok: str,
    year: int,
    holidays: list[str],
    workdays: list[str],
    *,
    if_match: str | None = None,
    expect: int | None = None,
) -> Any:
    headers = auth(tok) | ({"If-Match": if_match} if if_match else {})
    r = await client.put(
        f"/api/planning/calendar/{year}",
        json={"holidays": holidays, "workdays": workdays},
        headers=headers,
    )
    if expect is not None:
        assert r.status_code == expect, r.text
    return r


async def deadline(client: Any, tok: str, start: str, days: int) -> dict[str, Any]:
    r = await client.get(
        "/api/planning/calendar/deadline", params={"start": start, "days": days}, headers=auth(tok)
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_office_enters_2027_and_deadlines_count_it(planning: Any, token: Any) -> None:
    office = token(Role.office, jurisdiction=J)

    r = await planning.get("/api/planning/calendar/2026", headers=auth(office))
    assert r.status_code == 200 and "ETag" not in r.headers
    official = r.json()
    assert official["basis"] == "official" and official["version"] is None
    assert "2026-10-01" in official["holidays"] and "2026-10-10" in official["workdays"]

    r = await planning.get("/api/planning/calendar/2027", headers=auth(office))
    unknown = r.json()
    assert unknown["basis"] == "weekends_only"
    assert unknown["holidays"] == [] and unknown["workdays"] == []
    assert "2027" in unknown["note_zh"] and "2027" in unknown["note_en"]

    # Before 2027 is entered, New Year's Day counts as a working day: approximate.
    before = await deadline(planning, office, "2026-12-28", 10)
    assert before["due"] == "2027-01-11" and before["approximate"] is True
    assert before["weekends_only_years"] == [2027] and "2027" in before["note_zh"]

    r = await put_year(planning, office, 2027, HOLIDAYS_2027[::-1], WORKDAYS_2027, expect=201)
    assert r.headers["ETag"] == '"1"'
    saved = r.json()
    assert saved["basis"] == "office" and saved["version"] == 1
    assert saved["holidays"] == sorted(HOLIDAYS_2027) and saved["workdays"] == WORKDAYS_2027

    r = await planning.get("/api/planning/calendar/2027", headers=auth(office))
    assert r.headers["ETag"] == '"1"' and r.json()["basis"] == "office"
    assert r.json()["note_zh"] is None and r.json()["updated_by"]

    # 29-31 Dec 2026 (official), then 1-3 Jan 2027 off (office): due Tue 12 Jan 2027.
    after = await deadline(planning, office, "2026-12-28", 10)
    assert after["due"] == "2027-01-12"
    assert set(after["bases"]) == {"official", "office"}
    assert after["approximate"] is False and after["weekends_only_years"] == []
    assert after["note_zh"] is None and after["note_en"] is None

    # The invented Spring Festival week and make-up Saturday 20 Feb are honoured.
    spring = await deadline(planning, office, "2027-02-04", 3)
    assert spring["due"] == "2027-02-17" and spring["bases"] == ["office"]
    assert (await deadline(planning, office, "2027-02-19", 1))["due"] == "2027-02-20"

    # Nothing is known about 2028 yet: approximate, and the note says which year.
    late = await deadline(planning, office, "2027-12-27", 10)
    assert late["approximate"] is True and late["weekends_only_years"] == [2028]
    assert set(late["bases"]) == {"office", "weekends_only"}
    assert "2028年" in late["note_zh"] and "2028" in late["note_en"]
    assert "2027" not in late["note_zh"]
    assert late["due"] == "2028-01-10"

    # Every role of the jurisdiction reads the calendar and computes deadlines.
    for role in (Role.group, Role.inspected, Role.discipline, Role.leadership):
        reader = token(role, jurisdiction=J)
        r = await planning.get("/api/planning/calendar/2027", headers=auth(reader))
        assert r.status_code == 200 and r.json()["basis"] == "office", role
        assert (await deadline(planning, reader, "2026-12-28", 10))["due"] == "2027-01-12"


async def test_replacing_a_year_needs_the_version_read(planning: Any, token: Any, db: Any) -> None:
    office = token(Role.office, jurisdiction=J)
    await put_year(planning, office, 2027, HOLIDAYS_2027, WORKDAYS_2027, expect=201)

    r = await put_year(planning, office, 2027, HOLIDAYS_2027, [])
    assert r.status_code == 428 and r.json()["field"] == "If-Match"

    r = await put_year(planning, office, 2027, HOLIDAYS_2027, [], if_match='"1"', expect=200)
    assert r.headers["ETag"] == '"2"' and r.json()["version"] == 2 and r.json()["workdays"] == []

    # A stale ETag is refused and changes nothing.
    r = await put_year(planning, office, 2027, [], [], if_match='"1"')
    assert r.status_code == 412 and r.json()["current_etag"] == '"2"'
    assert r.headers["content-type"].startswith("application/problem+json")

    # Saving the same days again is a no-op: no new version, no event.
    r = await put_year(planning, office, 2027, HOLIDAYS_2027, [], if_match='"2"', expect=200)
    assert r.json()["version"] == 2

    # An If-Match for a year nobody entered names a version that is not there.
    r = await put_year(planning, office, 2029, [], [], if_match='"1"')
    assert r.status_code == 412 and r.json()["field"] == "If-Match"

    # A retried create with the same Idempotency-Key gets the first answer, not a 428.
    headers = auth(office) | {"Idempotency-Key": "calendar-2030-create"}
    body = {"holidays": ["2030-01-01"], "workdays": []}
    first = await planning.put("/api/planning/calendar/2030", json=body, headers=headers)
    again = await planning.put("/api/planning/calendar/2030", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"

    rows = await db.fetch(
        "SELECT envelope FROM planning.outbox WHERE type = $1 ORDER BY seq", EVENT_TYPE
    )
    published = [json.loads(r["envelope"]) for r in rows]
    assert [(e["subject"], e["data"]["version"]) for e in published] == [
        (f"{J}:2027", 1),
        (f"{J}:2027", 2),
        (f"{J}:2030", 1),
    ]
    for envelope in published:
        assert_valid_event(envelope)


async def test_invalid_input_is_a_bilingual_4xx_naming_the_field(
    planning: Any, token: Any, db: Any
) -> None:
    office = token(Role.office, jurisdiction=J)
    url = "/api/planning/calendar/2027"
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        # A date of another year would never be consulted: refused, pointing at it.
        ({"holidays": ["2027-01-01", "2028-01-01"], "workdays": []}, "holidays.1", "outside"),
        ({"holidays": [], "workdays": ["2026-12-26"]}, "workdays.0", "outside"),
        (
            {"holidays": ["2027-02-05", "2027-02-20"], "workdays": ["2027-02-20"]},
            "workdays.0",
            "both",
        ),
        ({"holidays": ["2027-02-30"], "workdays": []}, "holidays.0", None),
        ({"holidays": "2027-01-01", "workdays": []}, "holidays", None),
        ({"holidays": []}, "workdays", None),
        ({"holidays": [], "workdays": [], "note": "x"}, "note", None),
    ]
    for body, field, code in cases:
        r = await planning.put(url, json=body, headers=auth(office))
        assert r.status_code == 422, (body, r.text)
        problem = r.json()
        assert problem["field"] == field, body
        assert problem["message_zh"] and problem["message_en"]
        assert r.headers["content-type"].startswith("application/problem+json")
        if code == "outside":
            assert problem["type"].endswith("/date-outside-year")
            assert "2027" in problem["message_zh"] and "2027" in problem["message_en"]
        elif code == "both":
            assert problem["type"].endswith("/date-in-both-lists")

    for bad_year in ("1999", "2101", "twenty"):
        r = await planning.put(
            f"/api/planning/calendar/{bad_year}",
            json={"holidays": [], "workdays": []},
            headers=auth(office),
        )
        assert r.status_code == 422 and r.json()["field"] == "year", bad_year
        r = await planning.get(f"/api/planning/calendar/{bad_year}", headers=auth(office))
        assert r.status_code == 422 and r.json()["field"] == "year", bad_year

    path = "/api/planning/calendar/deadline"
    for params, field in [
        ({"start": "2027-13-01", "days": 3}, "start"),
        ({"start": "2027-01-04T10:00:00", "days": 3}, "start"),
        ({"start": "2027-01-04", "days": -1}, "days"),
        ({"start": "2027-01-04", "days": "ten"}, "days"),
        ({"start": "2027-01-04"}, "days"),
        # Past the last date the arithmetic can represent: still the caller's 4xx.
        ({"start": "9999-12-01", "days": 100}, "days"),
    ]:
        r = await planning.get(path, params=params, headers=auth(office))
        assert r.status_code == 422 and r.json()["field"] == field, (params, r.text)

    assert await db.fetchval("SELECT count(*) FROM planning.calendar_years") == 0
    assert await db.fetchval("SELECT count(*) FROM planning.outbox") == 0


async def test_only_the_office_writes_and_jurisdictions_are_isolated(
    planning: Any, token: Any
) -> None:
    office = token(Role.office, jurisdiction=J)
    other_office = token(Role.office, jurisdiction=OTHER)
    body = {"holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027}
    url = "/api/planning/calendar/2027"

    assert (await planning.get(url)).status_code == 401
    assert (await planning.put(url, json=body)).status_code == 401
    r = await planning.get("/api/planning/calendar/deadline?start=2027-01-04&days=1")
    assert r.status_code == 401

    for role in (Role.leadership, Role.group, Role.discipline, Role.inspected, Role.department):
        r = await planning.put(url, json=body, headers=auth(token(role, jurisdiction=J)))
        assert r.status_code == 403, role
        assert r.json()["message_zh"] and r.json()["message_en"]
    assert (await planning.get(url, headers=auth(office))).json()["basis"] == "weekends_only"

    await put_year(planning, office, 2027, HOLIDAYS_2027, WORKDAYS_2027, expect=201)

    # Another jurisdiction neither sees this office's year nor counts with it ...
    r = await planning.get(url, headers=auth(other_office))
    assert r.json()["basis"] == "weekends_only" and r.json()["jurisdiction"] == OTHER
    elsewhere = await deadline(planning, other_office, "2026-12-28", 10)
    assert elsewhere["due"] == "2027-01-11" and elsewhere["approximate"] is True
    # ... and enters its own without touching it (no If-Match: it has no 2027 yet).
    r = await put_year(planning, other_office, 2027, ["2027-01-01"], [], expect=201)
    assert r.json()["version"] == 1 and r.json()["jurisdiction"] == OTHER
    r = await planning.get(url, headers=auth(office))
    assert r.json()["holidays"] == sorted(HOLIDAYS_2027) and r.json()["version"] == 1
    assert (await deadline(planning, office, "2026-12-28", 10))["due"] == "2027-01-12"


async def test_calendar_is_projected_by_every_other_service(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("planning", "findings", "clues", "rectification", "notify")
    planning = running.client("planning")
    office = token(Role.office, jurisdiction=J)
    await put_year(planning, office, 2027, HOLIDAYS_2027, WORKDAYS_2027, expect=201)
    changed = [d for d in HOLIDAYS_2027 if d != "2027-06-09"]
    await put_year(planning, office, 2027, changed, WORKDAYS_2027, if_match='"1"', expect=200)

    for name in CONSUMERS:

        async def projected(name: str = name) -> bool:
            row = await db.fetchrow(
                f"SELECT holidays, workdays, version FROM {name}.calendar_years "
                "WHERE jurisdiction = $1 AND year = 2027",
                J,
            )
            return row is not None and row["version"] == 2

        await eventually(projected)
        row = await db.fetchrow(f"SELECT holidays, workdays FROM {name}.calendar_years")
        assert [d.isoformat() for d in row["holidays"]] == sorted(changed), name
        assert [d.isoformat() for d in row["workdays"]] == WORKDAYS_2027, name
        assert await db.fetchval(f"SELECT count(*) FROM {name}.inbox") == 2, name

    rows = await db.fetch("SELECT envelope FROM planning.outbox ORDER BY seq")
    envelopes = [json.loads(r["envelope"]) for r in rows]
    assert [e["type"] for e in envelopes] == [EVENT_TYPE, EVENT_TYPE]
    for envelope in envelopes:
        assert_valid_event(envelope)
    first, second = envelopes

    for name in CONSUMERS:
        runtime = running.apps[name].state.runtime
        snapshot = await db.fetchrow(f"SELECT * FROM {name}.calendar_years")
        # The same event delivered again: the inbox turns it away.
        assert await runtime.consumer.apply(json.dumps(second).encode()) is False
        # An older version arriving late (under a fresh id, so the inbox cannot help):
        # the version guard keeps the newer year.
        late = {**first, "id": str(uuid.uuid4())}
        assert await runtime.consumer.apply(json.dumps(late).encode()) is True
        assert await db.fetchrow(f"SELECT * FROM {name}.calendar_years") == snapshot, name
        assert await db.fetchval(f"SELECT count(*) FROM {name}.inbox") == 3, name

        # The projection gives the same deadlines as planning's own table.
        async with runtime.sessionmaker() as session:
            table = importlib.import_module(f"{name}.models").CALENDAR
            calendar = await load_calendar(session, table, J)
        assert calendar.add_workdays(date(2026, 12, 28), 10).due == date(2027, 1, 12)
        assert calendar.is_workday(date(2027, 6, 9)), "the removed holiday is a working day"

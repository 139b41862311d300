"""Whistleblower protection: a report's text is erased when a clue is proposed from it by a
group of its round (from the clues service's event, once however often it is delivered),
and triage "clue" accepts only such a clue; a problem made from a report is written in the
group's own words; a report is never forwarded to the org it concerns or the org above it;
the reporter's contact is read by the office and the round's groups only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from xuncha_shared.auth import Role
from xuncha_shared.bus.base import BusMessage
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.events.base import Event, envelope
from xuncha_shared.events.clues import ClueProposed, ClueStatus
from xuncha_shared.testing.plugin import eventually

from services.findings.tests.api.factories import (
    BASE,
    NOW,
    County,
    auth,
    county,
    create_group,
    create_round,
    member,
)

LETTER = "来信反映东村村会计王某某挪用低保金三万元，多次向镇里反映无果"
CONTACT = "张先生 13800000000"


@pytest.fixture
async def bus(database_url: str) -> AsyncIterator[PostgresBus]:
    """The platform's log bus, to publish the clues service's events as it would."""
    shared = PostgresBus(database_url)
    await shared.start()
    yield shared
    await shared.stop()


@pytest.fixture
async def running(platform: Any, clock: Any, bus: PostgresBus) -> Any:
    clock.set(NOW)
    return await platform("findings", bus=bus, scheduler_enabled=False)


async def enter(client: Any, tok: str, place: County, **fields: Any) -> str:
    """Enter a letter; its id (the clock stands still, so the new one is the one not seen)."""

    async def ids() -> set[str]:
        listed = await client.get(f"{BASE}/public-reports", headers=auth(tok))
        return {x["id"] for x in listed.json()["items"]}

    before = await ids()
    body = {
        "round_id": str(place.round_id),
        "channel": "letter",
        "content": LETTER,
        "contact": CONTACT,
    } | fields
    r = await client.post(f"{BASE}/public-reports", json=body, headers=auth(tok))
    assert r.status_code == 201, r.text
    (new,) = await ids() - before
    return new


def proposed(place: County, report_id: str, group_id: uuid.UUID, **fields: Any) -> ClueProposed:
    return ClueProposed(
        jurisdiction=place.jurisdiction,
        clue_id=fields.pop("clue_id", uuid.uuid4()),
        round_id=fields.pop("round_id", place.round_id),
        source_report_id=uuid.UUID(report_id),
        group_id=group_id,
        status=ClueStatus.draft,
        version=1,
        **fields,
    )


async def publish(bus: PostgresBus, topic_prefix: str, *events: Event) -> None:
    topic = f"{topic_prefix}.clues.v1"
    await bus.ensure_topics([topic])
    messages = []
    for event in events:
        cloud = envelope(
            event, time=datetime.now(UTC), event_id=uuid.uuid5(uuid.NAMESPACE_URL, repr(event))
        )
        messages.append(BusMessage(topic=topic, key=cloud.subject, value=cloud.to_json_bytes()))
    await bus.publish(messages)


async def heard(db: Any, clue_id: uuid.UUID) -> None:
    async def linked() -> bool:
        return bool(
            await db.fetchval(
                "SELECT count(*) FROM findings.clue_links WHERE clue_id = $1", clue_id
            )
        )

    assert await eventually(linked, timeout=30)


async def test_proposing_a_clue_erases_the_report_once(
    running: Any, token: Any, db: Any, bus: PostgresBus, topic_prefix: str
) -> None:
    findings = running.client("findings")
    place = await county(db)
    g1 = member(token, place)
    report_id = await enter(findings, g1, place)
    version = (await findings.get(f"{BASE}/public-reports/{report_id}", headers=auth(g1))).json()[
        "version"
    ]
    # Proposed by the second group of the same round: erased, the same event twice once.
    event = proposed(place, report_id, place.groups["g2"])
    await publish(bus, topic_prefix, event, event)
    await heard(db, event.clue_id)
    stored = await db.fetchrow(
        "SELECT content, contact, redacted, clue_id, version, outcome FROM findings.public_reports"
    )
    assert stored["content"] is None and stored["contact"] is None and stored["redacted"]
    assert stored["clue_id"] == event.clue_id and stored["version"] == version + 1
    assert stored["outcome"] is None  # the group still triages it
    assert await db.fetchval("SELECT count(*) FROM findings.inbox") >= 1

    # The triage then names that clue: accepted, nothing left to erase.
    r = await findings.post(
        f"{BASE}/public-reports/{report_id}/triage",
        json={"outcome": "clue", "clue_id": str(event.clue_id)},
        headers=auth(g1),
    )
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "clue" and r.json()["content"] is None


async def test_clue_triage_needs_a_clue_proposed_from_the_report_by_its_round(
    running: Any, token: Any, db: Any, bus: PostgresBus, topic_prefix: str
) -> None:
    findings = running.client("findings")
    place = await county(db)
    g1 = member(token, place)
    report_id = await enter(findings, g1, place)
    other_report = await enter(findings, g1, place, content="来电反映西村村道未硬化，雨天泥泞")
    triage = f"{BASE}/public-reports/{report_id}/triage"

    # Any clue id at all: findings never heard of it, nothing is erased.
    r = await findings.post(
        triage, json={"outcome": "clue", "clue_id": str(uuid.uuid4())}, headers=auth(g1)
    )
    assert r.status_code == 409 and r.json()["type"].endswith("/clue-not-heard-yet"), r.text
    assert r.json()["field"] == "clue_id" and r.headers["Retry-After"] == "1"
    r = await findings.post(triage, json={"outcome": "clue"}, headers=auth(g1))
    assert r.status_code == 422 and r.json()["field"] == "clue_id"

    # A clue of another report; one proposed by a group of another round.
    elsewhere = proposed(place, other_report, place.groups["g1"])
    other_round = await create_round(
        db, jurisdiction=place.jurisdiction, term_id=place.term_id, number=2
    )
    stranger = await create_group(
        db,
        round_id=other_round,
        jurisdiction=place.jurisdiction,
        name="第三巡察组",
        accounts=["cadre-g3"],
    )
    forged = proposed(place, report_id, stranger)
    await publish(bus, topic_prefix, elsewhere, forged)
    await heard(db, elsewhere.clue_id)
    await heard(db, forged.clue_id)
    r = await findings.post(
        triage, json={"outcome": "clue", "clue_id": str(elsewhere.clue_id)}, headers=auth(g1)
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/clue-not-from-report"), r.text
    r = await findings.post(
        triage, json={"outcome": "clue", "clue_id": str(forged.clue_id)}, headers=auth(g1)
    )
    assert r.status_code == 422 and r.json()["type"].endswith("/clue-not-from-round-group")
    # The other round's group erased nothing; the other report's own clue erased that one.
    content = "SELECT content FROM findings.public_reports WHERE id = $1"
    assert await db.fetchval(content, uuid.UUID(report_id)) == LETTER
    assert await db.fetchval(content, uuid.UUID(other_report)) is None
    r = await findings.get(f"{BASE}/public-reports/{report_id}", headers=auth(g1))
    assert r.json()["outcome"] is None and r.json()["content"] == LETTER


async def test_a_problem_from_a_report_is_in_the_groups_own_words(
    running: Any, token: Any, db: Any
) -> None:
    findings = running.client("findings")
    place = await county(db)
    g1 = member(token, place)
    report_id = await enter(findings, g1, place, org_id=str(place.orgs["village_a"]))
    triage = f"{BASE}/public-reports/{report_id}/triage"
    problem = {
        "assignment_id": str(place.assignments["village_a"]),
        "category": "living_environment",
    }

    r = await findings.post(
        triage, json={"outcome": "problem", "problem": problem}, headers=auth(g1)
    )
    assert r.status_code == 422 and r.json()["field"] == "problem.description", r.text
    for copied in (
        LETTER,
        f" {LETTER}。 ",  # spacing and punctuation aside
        f"经核实：{LETTER}，情况属实。",  # the letter inside the group's words
        LETTER[:20],  # a piece of it as the whole description
    ):
        r = await findings.post(
            triage,
            json={"outcome": "problem", "problem": problem | {"description": copied}},
            headers=auth(g1),
        )
        assert r.status_code == 422, (copied, r.text)
        assert r.json()["field"] == "problem.description"
        assert r.json()["type"].endswith("/report-text-copied") and r.json()["message_zh"]

    own = "东村2025年低保金发放台账与银行流水不符，差额30000元，村会计未能说明去向。"
    r = await findings.post(
        triage,
        json={"outcome": "problem", "problem": problem | {"description": own}},
        headers=auth(g1),
    )
    assert r.status_code == 200, r.text
    recorded = await db.fetchval(
        "SELECT description FROM findings.problems WHERE id = $1", uuid.UUID(r.json()["problem_id"])
    )
    assert recorded == own
    # Nothing the events carry holds the citizen's words.
    payloads = await db.fetch("SELECT envelope::text AS p FROM findings.outbox")
    assert payloads and not any(LETTER[:12] in row["p"] for row in payloads)


async def test_never_forwarded_to_the_accused_and_the_contact_stays(
    running: Any, token: Any, db: Any
) -> None:
    findings = running.client("findings")
    place = await county(db)
    g1, g2 = member(token, place), member(token, place, "g2")
    office = token(Role.office, jurisdiction=place.jurisdiction)
    about_village = await enter(findings, g1, place, org_id=str(place.orgs["village_a"]))
    about_agri = await enter(findings, g2, place, org_id=str(place.orgs["agri"]))

    async def forward(report_id: str, org: uuid.UUID) -> Any:
        return await findings.post(
            f"{BASE}/public-reports/{report_id}/triage",
            json={"outcome": "forwarded", "forwarded_to_org_id": str(org)},
            headers=auth(office),
        )

    # The village concerned, its township, the department concerned: refused.
    for report_id, org in (
        (about_village, place.orgs["village_a"]),
        (about_village, place.orgs["town"]),
        (about_agri, place.orgs["agri"]),
    ):
        r = await forward(report_id, org)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "forwarded_to_org_id" and r.json()["message_zh"]
    r = await forward(about_agri, place.orgs["agri"])
    assert r.json()["type"].endswith("/forward-to-accused")
    # Another village is no department: refused as well.
    r = await forward(about_agri, place.orgs["village_b"])
    assert r.status_code == 422 and r.json()["field"] == "forwarded_to_org_id"

    # To an uninvolved department: accepted; the department reads the report, not the contact.
    r = await forward(about_village, place.orgs["agri"])
    assert r.status_code == 200, r.text
    dept = token(
        Role.department,
        jurisdiction=place.jurisdiction,
        org_id=str(place.orgs["agri"]),
        subject="agri-user",
    )
    r = await findings.get(f"{BASE}/public-reports/{about_village}", headers=auth(dept))
    assert r.status_code == 200 and r.json()["content"] == LETTER
    assert r.json()["contact"] is None
    listed = await findings.get(f"{BASE}/public-reports", headers=auth(dept))
    assert CONTACT not in listed.text
    for oversight in (Role.leadership, Role.discipline):
        r = await findings.get(
            f"{BASE}/public-reports/{about_village}",
            headers=auth(token(oversight, jurisdiction=place.jurisdiction)),
        )
        assert r.status_code == 200 and r.json()["contact"] is None
    # The office and the round's groups keep it.
    for staff in (office, g1, g2):
        r = await findings.get(f"{BASE}/public-reports/{about_village}", headers=auth(staff))
        assert r.json()["contact"] == CONTACT

"""On the real Kafka bus: planning's round, group and assignment and findings' problem arrive
as a partner would send them (one of them twice), a group proposes a clue from the problem,
the office transfers it, and the clue's events leave on ``xuncha.clues.v1`` carrying ids,
status and recipient only."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from xuncha_shared.bus.base import BusMessage
from xuncha_shared.events.base import Event, envelope
from xuncha_shared.events.findings import FoundBy, ProblemRecorded
from xuncha_shared.events.planning import (
    AssignmentMade,
    GroupFormed,
    GroupMemberInfo,
    GroupRole,
    RoundMode,
    RoundScheduled,
    RoundStatus,
)
from xuncha_shared.orgs import DepartmentDesignation, OrgKind
from xuncha_shared.settings import topic_for
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import eventually, read_topic

from services.clues.tests.api.clue_factories import (
    ALLEGATION,
    BASE,
    PERSON,
    REVIEW,
    World,
    auth,
    org_registered,
    step,
    tokens,
)


async def test_clues_on_kafka(
    platform: Any, kafka_bus: Any, token: Any, db: Any, topic_prefix: str
) -> None:
    running = await platform("clues", bus=kafka_bus, scheduler_enabled=False)
    client = running.client("clues")
    j = "220281"
    w = World(
        jurisdiction=j,
        term_id=uuid.uuid4(),
        round_id=uuid.uuid4(),
        group_id=uuid.uuid4(),
        other_group_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        problem_id=uuid.uuid4(),
        other_problem_id=uuid.uuid4(),
        report_id=uuid.uuid4(),
    )
    assignment = uuid.uuid4()
    planning: list[Event] = [
        # The discipline commission, designated so in the registry: the clue's recipient.
        org_registered(
            w.discipline_org, j, "县纪委监委", designation=DepartmentDesignation.discipline
        ),
        RoundScheduled(
            jurisdiction=j,
            round_id=w.round_id,
            term_id=w.term_id,
            number=5,
            name="第五轮",
            mode=RoundMode.regular,
            status=RoundStatus.on_site,
            on_site_from=date(2026, 3, 2),
            on_site_until=date(2026, 5, 1),
            version=1,
        ),
        GroupFormed(
            jurisdiction=j,
            round_id=w.round_id,
            group_id=w.group_id,
            name="第一巡察组",
            inspecting_jurisdiction=j,
            version=1,
            members=(
                GroupMemberInfo(
                    cadre_id=uuid.uuid4(), name="组长", role=GroupRole.leader, account=w.member
                ),
            ),
        ),
        AssignmentMade(
            jurisdiction=j,
            round_id=w.round_id,
            assignment_id=assignment,
            group_id=w.group_id,
            org_id=w.org_id,
            org_kind=OrgKind.township,
            org_jurisdiction=j,
            inspecting_jurisdiction=j,
        ),
    ]
    problem = ProblemRecorded(
        jurisdiction=j,
        problem_id=w.problem_id,
        assignment_id=assignment,
        round_id=w.round_id,
        group_id=w.group_id,
        org_id=w.org_id,
        org_kind=OrgKind.township,
        category="funds",
        category_name="三资",
        found_by=FoundBy.records,
        immediate=False,
        recorded_at=datetime.now(UTC),
    )
    now = datetime.now(UTC)
    problem_envelope = envelope(problem, time=now)
    messages = [
        BusMessage(
            topic=topic_for(topic_prefix, "planning"),
            key=str(w.round_id),
            value=envelope(e, time=now).to_json_bytes(),
        )
        for e in planning
    ]
    findings_topic = topic_for(topic_prefix, "findings")
    # The problem arrives twice (a redelivery): one effect.
    messages += [
        BusMessage(
            topic=findings_topic, key=problem.subject, value=problem_envelope.to_json_bytes()
        )
    ] * 2
    await kafka_bus.ensure_topics([m.topic for m in messages])
    await kafka_bus.publish(messages)

    t = tokens(token, w)

    async def synced() -> bool:
        return bool(
            await db.fetchval("SELECT count(*) FROM clues.source_problems")
            and await db.fetchval("SELECT count(*) FROM clues.group_members")
        )

    await eventually(synced, timeout=60)
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 1 FROM clues.inbox WHERE event_id = $1", problem_envelope.id
        ),
        timeout=30,
    )
    body = {
        "source_problem_id": str(w.problem_id),
        "person": {"name": PERSON, "post": "所长", "rank": "township"},
        "category": "integrity",
        "allegation": ALLEGATION,
    }
    r = await client.post(f"{BASE}/clues", json=body, headers=auth(t.member))
    assert r.status_code == 201, r.text
    clue = (await client.get(f"{BASE}/clues/{r.json()['id']}", headers=auth(t.office))).json()
    assert clue["term_id"] == str(w.term_id)
    clue = await step(client, t.office, clue, "review", REVIEW)
    clue = await step(
        client, t.office, clue, "transfer", {"recipient_org_id": str(w.discipline_org)}
    )

    events = await read_topic(
        kafka_bus,
        topic_for(topic_prefix, "clues"),
        until=lambda es: any(e.type.endswith("clue.transferred.v1") for e in es),
        timeout=60,
    )
    assert [e.type.split(".")[3] for e in events] == ["proposed", "reviewed", "transferred"]
    for e in events:
        raw = e.to_json_bytes()
        assert_valid_event(raw)
        assert PERSON.encode() not in raw and ALLEGATION.encode() not in raw
        assert e.subject == clue["id"]
    assert events[-1].data["recipient_org_id"] == str(w.discipline_org)

"""On the real Kafka bus: planning's events build findings' projection, a group member
records an immediate problem, ``problem.recorded`` and ``problem.handed_over`` reach the
topic as a partner reads it, and a clue proposed from the problem shows on it (ids and
status only), once however often the clue event is redelivered."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from xuncha_shared.bus.base import BusMessage
from xuncha_shared.events.base import Event, envelope
from xuncha_shared.events.clues import ClueProposed, ClueReviewed, ClueStatus
from xuncha_shared.events.planning import (
    AssignmentMade,
    GroupFormed,
    GroupMemberInfo,
    GroupRole,
    OrgRegistered,
    RoundMode,
    RoundScheduled,
    RoundStatus,
)
from xuncha_shared.orgs import OrgKind
from xuncha_shared.testing.plugin import eventually, read_topic

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
J = "410825"


def message(topic: str, event: Event, event_id: uuid.UUID | None = None) -> BusMessage:
    cloud = envelope(event, time=NOW, event_id=event_id)
    return BusMessage(topic=topic, key=cloud.subject, value=cloud.to_json_bytes())


async def test_problem_events_and_clue_links_on_kafka(
    platform: Any, kafka_bus: Any, topic_prefix: str, token: Any, db: Any, clock: Any
) -> None:
    clock.set(NOW)
    running = await platform("findings", bus=kafka_bus, scheduler_enabled=False)
    findings = running.client("findings")
    planning_topic, clues_topic = f"{topic_prefix}.planning.v1", f"{topic_prefix}.clues.v1"
    findings_topic = f"{topic_prefix}.findings.v1"
    await kafka_bus.ensure_topics([planning_topic, clues_topic, findings_topic])

    round_id, group_id, org_id, assignment_id = (uuid.uuid4() for _ in range(4))
    account = "cadre-zhang"
    await kafka_bus.publish(
        [
            message(
                planning_topic,
                OrgRegistered(
                    jurisdiction=J,
                    org_id=org_id,
                    code="V001",
                    name="东村党支部",
                    kind=OrgKind.village,
                    version=1,
                ),
            ),
            message(
                planning_topic,
                RoundScheduled(
                    jurisdiction=J,
                    round_id=round_id,
                    term_id=uuid.uuid4(),
                    number=9,
                    name="第九轮",
                    mode=RoundMode.regular,
                    status=RoundStatus.on_site,
                    on_site_from=date(2027, 3, 1),
                    on_site_until=date(2027, 4, 30),
                    version=1,
                ),
            ),
            message(
                planning_topic,
                GroupFormed(
                    jurisdiction=J,
                    round_id=round_id,
                    group_id=group_id,
                    name="第一巡察组",
                    inspecting_jurisdiction=J,
                    version=1,
                    members=(
                        GroupMemberInfo(
                            cadre_id=uuid.uuid4(),
                            name="张三",
                            role=GroupRole.leader,
                            account=account,
                        ),
                    ),
                ),
            ),
            message(
                planning_topic,
                AssignmentMade(
                    jurisdiction=J,
                    round_id=round_id,
                    assignment_id=assignment_id,
                    group_id=group_id,
                    org_id=org_id,
                    org_kind=OrgKind.village,
                    org_jurisdiction=J,
                    inspecting_jurisdiction=J,
                ),
            ),
        ]
    )
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) FROM findings.assignments WHERE id = $1", assignment_id
        ),
        timeout=60,
    )

    member = {"Authorization": f"Bearer {token('group', jurisdiction=J, subject=account)}"}
    body = {
        "assignment_id": str(assignment_id),
        "category": "living_environment",
        "description": "村内垃圾长期堆放",
        "found_by": "evening_talk",
        "immediate": True,
    }
    r = await findings.post("/api/findings/problems", json=body, headers=member)
    assert r.status_code == 201, r.text
    problem_id = r.json()["id"]

    events = await read_topic(
        kafka_bus,
        findings_topic,
        until=lambda evs: (
            {e.type for e in evs}
            >= {"xuncha.findings.problem.recorded.v1", "xuncha.findings.problem.handed_over.v1"}
        ),
        timeout=60,
    )
    handed = next(e for e in events if e.type.endswith("handed_over.v1"))
    assert handed.subject == problem_id and handed.data["org_id"] == str(org_id)

    clue_id = uuid.uuid4()
    proposed = ClueProposed(
        jurisdiction=J,
        clue_id=clue_id,
        round_id=round_id,
        source_problem_id=uuid.UUID(problem_id),
        status=ClueStatus.draft,
        version=1,
    )
    event_id = uuid.uuid4()
    # The same delivery twice, then a later status; an older one arriving late changes nothing.
    reviewed = ClueReviewed(
        jurisdiction=J,
        clue_id=clue_id,
        round_id=round_id,
        source_problem_id=uuid.UUID(problem_id),
        status=ClueStatus.reviewed,
        version=2,
    )
    await kafka_bus.publish(
        [message(clues_topic, proposed, event_id), message(clues_topic, proposed, event_id)]
    )
    await kafka_bus.publish([message(clues_topic, reviewed), message(clues_topic, proposed)])

    async def clues() -> Any:
        got = (await findings.get(f"/api/findings/problems/{problem_id}", headers=member)).json()[
            "clues"
        ]
        return got if got and got[0]["status"] == "reviewed" else None

    assert await eventually(clues, timeout=60) == [{"clue_id": str(clue_id), "status": "reviewed"}]
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 3 FROM findings.inbox WHERE event_type LIKE 'xuncha.clues.%'"
        ),
        timeout=60,
    )
    assert await db.fetchval("SELECT count(*) FROM findings.clue_links") == 1
    # The inspected org sees its handed-over problem, but not that it led to a clue.
    inspected = {
        "Authorization": f"Bearer {token('inspected', jurisdiction=J, org_id=str(org_id))}"
    }
    r = await findings.get(f"/api/findings/problems/{problem_id}", headers=inspected)
    assert r.status_code == 200 and r.json()["clues"] == []

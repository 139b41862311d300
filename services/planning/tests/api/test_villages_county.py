"""A whole county classified for a term: 温县's 270 villages and communities (000) through
蛟河's five steps (001), the classes consumed from the planning topic as a partner would,
and the same on the real Kafka broker."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from planning.villages.rules import DEFAULT_RULES, Judgement
from planning.villages.scoring import IndicatorValues, score_village
from xuncha_shared.auth import Role
from xuncha_shared.events.base import CloudEvent
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import read_topic

from xuncha.demo.data.orgs import county_orgs, org_rows_to_xlsx
from xuncha.demo.data.villages import village_indicators

from .village_factories import BASE, CLASSIFIED, MIDDLE, J, auth, insert_term

# The leadership group raises this many general villages to key (e.g. on new petitions).
RAISED = 8


def classified(events: list[CloudEvent]) -> list[CloudEvent]:
    return [e for e in events if e.type == CLASSIFIED]


async def batch(client: Any, tok: str, step: str, entries: dict[str, str]) -> None:
    body = {
        "step": step,
        "entries": [{"classification_id": c, "proposed_class": k} for c, k in entries.items()],
    }
    r = await client.post(f"{BASE}/batch-steps", json=body, headers=auth(tok))
    assert r.status_code == 200, r.text
    assert r.json()["recorded"] == len(entries)


async def test_county_of_270_villages_classified_for_a_term(
    platform: Any, token: Any, db: Any
) -> None:
    running = await platform("planning")
    client = running.client("planning")
    office = token(Role.office, jurisdiction=J)
    r = await client.post(
        "/api/planning/orgs/import",
        files={"file": ("温县.xlsx", org_rows_to_xlsx(county_orgs(seed=0)))},
        headers=auth(office),
    )
    assert r.status_code == 200, r.text
    term = await insert_term(db, name="十三届县委")
    r = await client.get(
        "/api/planning/orgs",
        params={"kind": ["village", "community"], "limit": 500},
        headers=auth(office),
    )
    villages = sorted(r.json()["items"], key=lambda o: o["code"])
    assert len(villages) == 270

    # Each township enters its own villages' indicators.
    data = village_indicators(seed=0, count=270)
    ids: dict[str, str] = {}
    scored: dict[str, tuple[str, Decimal]] = {}
    town_of: dict[str, str] = {}
    for village, body in zip(villages, data, strict=True):
        town = token(Role.inspected, jurisdiction=J, org_id=village["parent_id"])
        r = await client.post(
            BASE, json={"term_id": term, "village_id": village["id"], **body}, headers=auth(town)
        )
        assert r.status_code == 201, r.text
        cid = r.json()["id"]
        ids[village["code"]] = cid
        town_of[cid] = village["parent_id"]
        values = IndicatorValues(
            Decimal(body["collective_income"]), body["petitions"], body["prior_problems"],
            Decimal(body["assets"]), Judgement(body["judgement"]),
        )  # fmt: skip
        card = score_village(values, DEFAULT_RULES)
        assert r.json()["scored_class"] == card.scored_class.value
        scored[cid] = (card.scored_class.value, card.score)
    by_scored = Counter(k for k, _ in scored.values())
    # A plausible split: about a fifth key, most general, some advanced.
    assert 35 <= by_scored["key"] <= 60 and by_scored["advanced"] >= 20, by_scored

    proposals = {cid: k for cid, (k, _) in scored.items()}
    for township in sorted(set(town_of.values())):
        mine = {cid: k for cid, k in proposals.items() if town_of[cid] == township}
        town = token(Role.inspected, jurisdiction=J, org_id=township)
        await batch(client, town, "township_proposal", mine)
    await batch(client, office, "field_research", proposals)
    await batch(client, token(Role.discipline, jurisdiction=J), "department_opinions", proposals)
    await batch(client, token(Role.organization, jurisdiction=J), "department_opinions", proposals)
    # The leadership group raises the highest-scoring general villages to key.
    general = sorted((s, cid) for cid, (k, s) in scored.items() if k == "general")
    adjusted = {**proposals, **{cid: "key" for _, cid in general[-RAISED:]}}
    leadership = token(Role.leadership, jurisdiction=J)
    await batch(client, leadership, "leadership_adjustment", adjusted)

    # The committee approves every township but one, which waits for the next meeting.
    last_township = villages[-1]["parent_id"]
    waiting = {cid: k for cid, k in adjusted.items() if town_of[cid] == last_township}
    first = {cid: k for cid, k in adjusted.items() if cid not in waiting}
    await batch(client, leadership, "committee_approval", first)

    counts = (
        await client.get(f"{BASE}/counts", params={"term_id": term}, headers=auth(leadership))
    ).json()
    assert counts["villages"] == 270 and counts["entered"] == 270
    assert counts["approved"] == len(first) and counts["unapproved"] == len(waiting) > 0
    assert counts["by_class"] == {
        k: Counter(first.values())[k] for k in ("key", "general", "advanced")
    }
    assert counts["by_stage"]["leadership_adjustment"] == len(waiting)
    # An unapproved village has a proposal but no class and no approach.
    cid = next(iter(waiting))
    detail = (await client.get(f"{BASE}/{cid}", headers=auth(office))).json()
    assert detail["proposed_class"] == adjusted[cid]
    assert detail["village_class"] is None and detail["approach"] is None
    page = (
        await client.get(
            BASE, params={"term_id": term, "approved": "false", "limit": 500},
            headers=auth(office),
        )
    ).json()  # fmt: skip
    assert {i["id"] for i in page["items"]} == set(waiting)
    assert all(i["township_id"] == last_township for i in page["items"])

    runtime = running.apps["planning"].state.runtime
    topic = runtime.settings.topic
    events = classified(
        await read_topic(runtime.bus, topic, until=lambda evs: len(classified(evs)) >= len(first))
    )
    assert Counter(e.subject for e in events) == Counter(set(first))  # each exactly once
    for event in events:
        assert_valid_event(event.model_dump(mode="json"))
        assert event.data["village_class"] == first[event.subject]
        assert event.jurisdiction == J and event.data["term_id"] == term

    await batch(client, leadership, "committee_approval", waiting)
    events = classified(
        await read_topic(runtime.bus, topic, until=lambda evs: len(classified(evs)) >= 270)
    )
    assert len(events) == 270 and {e.subject for e in events} == set(ids.values())
    approaches = Counter(e.data["approach"] for e in events)
    # 温县: 52 villages inspected directly, 218 with their townships (000).
    assert approaches["direct"] == by_scored["key"] + RAISED == 52
    assert approaches["extended"] + approaches["research"] == 218
    assert approaches["research"] == by_scored["advanced"]
    counts = (
        await client.get(f"{BASE}/counts", params={"term_id": term}, headers=auth(office))
    ).json()
    assert counts["by_approach"] == {
        "direct": 52, "extended": approaches["extended"], "research": approaches["research"]
    }  # fmt: skip
    assert counts["unapproved"] == 0


@pytest.mark.kafka
async def test_village_classified_travels_on_kafka(
    platform: Any, kafka_bus: Any, token: Any, db: Any
) -> None:
    running = await platform("planning", bus=kafka_bus)
    client = running.client("planning")
    office = token(Role.office, jurisdiction=J)
    r = await client.post(
        "/api/planning/orgs",
        json={"code": "K01", "name": "祥和镇", "kind": "township"},
        headers=auth(office),
    )
    town = r.json()
    r = await client.post(
        "/api/planning/orgs",
        json={"code": "K01V01", "name": "北岗村", "kind": "village", "parent_id": town["id"]},
        headers=auth(office),
    )
    village = r.json()
    term = await insert_term(db)
    r = await client.post(
        BASE, json={"term_id": term, "village_id": village["id"], **MIDDLE}, headers=auth(office)
    )
    cid = r.json()["id"]
    leadership = token(Role.leadership, jurisdiction=J)
    for step, tok in (
        ("township_proposal", office),
        ("field_research", office),
        ("department_opinions", token(Role.discipline, jurisdiction=J)),
        ("leadership_adjustment", leadership),
        ("committee_approval", leadership),
    ):
        r = await client.post(
            f"{BASE}/{cid}/steps",
            json={"step": step, "proposed_class": "general"},
            headers=auth(tok),
        )
        assert r.status_code == 201, r.text
    topic = running.apps["planning"].state.runtime.settings.topic
    events = classified(
        await read_topic(kafka_bus, topic, until=lambda evs: len(classified(evs)) >= 1)
    )
    assert len(events) == 1 and events[0].subject == cid
    assert_valid_event(events[0].model_dump(mode="json"))
    assert (events[0].data["village_class"], events[0].data["approach"]) == ("general", "extended")
    assert events[0].data["township_id"] == town["id"]

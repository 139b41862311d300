"""Village classification over HTTP (村分类, 四定量一定性): the method per jurisdiction, entering
indicators, the five steps in order with who and when, lists, counts and the XLSX export."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from planning.villages.rules import DEFAULT_RULES
from xuncha_shared.auth import Role
from xuncha_shared.testing.contracts import assert_valid_event
from xuncha_shared.testing.plugin import read_topic

from .village_factories import (
    BASE,
    CLASSIFIED,
    CONFIG,
    HIGH,
    LOW,
    MIDDLE,
    OTHER,
    County,
    auth,
    expected_score,
    insert_term,
)
from .village_factories import county as county  # the fixture


async def test_entering_indicators_scores_and_explains(county: County, db: Any) -> None:
    high = await county.classify(county.a1, **HIGH)
    low = await county.classify(county.a2, county.township_a, **LOW)
    middle = await county.classify(county.b1, **MIDDLE)

    assert (high["scored_class"], low["scored_class"], middle["scored_class"]) == (
        "key",
        "advanced",
        "general",
    )
    for body, got in ((HIGH, high), (LOW, low), (MIDDLE, middle)):
        assert Decimal(got["score"]) == expected_score(body)
        assert got["stage"] == "entered" and got["next_steps"] == ["township_proposal"]
        # Proposed by the score, but no class until the committee approves.
        assert got["village_class"] is None and got["approach"] is None
        assert got["scorecard"]["config_version"] is None
    card = high["scorecard"]
    assert card["suggested_approach"] == "direct"
    assert [i["item"] for i in card["items"]] == [
        "collective_income", "petitions", "prior_problems", "assets", "judgement",
    ]  # fmt: skip
    assert sum(Decimal(i["contribution"]) for i in card["items"]) == Decimal(high["score"])
    assert "村集体经济收入 1,500,000.00元" in card["explanation_zh"]
    assert f"合计 {Decimal(high['score']):,.2f} 分" in card["explanation_zh"]
    assert "列为重点村" in card["explanation_zh"] and "直接巡" in card["explanation_zh"]
    assert "Total" in card["explanation_en"]
    assert low["township_name"] == "祥和镇" and low["village_name"] == "东庄村"
    # Communities are classified like villages.
    community = await county.classify(county.a3, **LOW)
    assert community["village_code"] == "T01C01"
    # Nothing is published before approval.
    assert (
        await db.fetchval(f"SELECT count(*) FROM planning.outbox WHERE type = '{CLASSIFIED}'") == 0
    )


async def test_judgement_overrides_the_score(county: County) -> None:
    concerning = {
        **LOW,
        "judgement": "concerning",
        "judgement_reason": "列入软弱涣散村党组织整顿名单",
    }
    got = await county.classify(county.a1, **concerning)
    assert Decimal(got["score"]) < 60 and got["scored_class"] == "key"
    assert got["scorecard"]["reason_code"] == "judgement-concerning"
    ordinary_low = {**LOW, "judgement": "ordinary", "judgement_reason": "村务公开不及时"}
    got = await county.classify(county.a2, **ordinary_low)
    assert Decimal(got["score"]) <= 20 and got["scored_class"] == "general"
    assert "不是“好”" in got["scorecard"]["explanation_zh"]


async def test_the_five_steps_in_order_with_who_and_when(
    county: County, clock: Any, db: Any
) -> None:
    c = await county.classify(county.a1, county.township_a, **MIDDLE)
    cid = c["id"]
    # Out of order: 409 naming the allowed next step.
    r = await county.step(cid, county.leadership, "committee_approval", "key")
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["field"] == "step" and problem["allowed_next"] == ["township_proposal"]
    assert "乡镇提名" in problem["message_zh"]

    r = await county.step(cid, county.township_a, "township_proposal", "general", "按指标测算")
    assert r.status_code == 201, r.text
    assert r.json()["stage"] == "township_proposal" and r.json()["next_steps"] == ["field_research"]
    # Twice is out of order too.
    r = await county.step(cid, county.office, "township_proposal", "general")
    assert r.status_code == 409 and r.json()["allowed_next"] == ["field_research"]

    clock.advance(timedelta(days=3))
    r = await county.step(cid, county.office, "field_research", "key", "实地调研发现三资管理混乱")
    assert r.status_code == 201
    r = await county.step(cid, county.discipline, "department_opinions", "key", "近期有信访件")
    assert r.status_code == 201
    assert r.json()["next_steps"] == ["department_opinions", "leadership_adjustment"]
    # Each department gives one opinion; another department may add its own.
    r = await county.step(cid, county.discipline, "department_opinions", "key")
    assert r.status_code == 409 and r.json()["type"].endswith("opinion-already-given")
    r = await county.step(cid, county.organization, "department_opinions", "general", "班子稳定")
    assert r.status_code == 201
    # Approval needs the leadership group's adjustment first.
    r = await county.step(cid, county.leadership, "committee_approval", "key")
    assert r.status_code == 409
    assert r.json()["allowed_next"] == ["department_opinions", "leadership_adjustment"]
    r = await county.step(cid, county.leadership, "leadership_adjustment", "key", "列为重点村")
    assert r.status_code == 201
    detail = r.json()
    assert detail["proposed_class"] == "key" and detail["village_class"] is None
    assert (
        await db.fetchval(f"SELECT count(*) FROM planning.outbox WHERE type = '{CLASSIFIED}'") == 0
    )

    clock.advance(timedelta(days=1))
    r = await county.step(cid, county.leadership, "committee_approval", "key", "县委常委会审定")
    assert r.status_code == 201, r.text
    approved = r.json()
    assert approved["village_class"] == "key" and approved["approach"] == "direct"
    assert approved["stage"] == "committee_approval" and approved["next_steps"] == []
    assert approved["scored_class"] == "general"  # the score said general; the steps said key
    assert datetime.fromisoformat(approved["approved_at"]) == clock.now()
    steps = approved["steps"]
    assert [s["step"] for s in steps] == [
        "township_proposal", "field_research", "department_opinions", "department_opinions",
        "leadership_adjustment", "committee_approval",
    ]  # fmt: skip
    assert [s["role"] for s in steps] == [
        "inspected", "office", "discipline", "organization", "leadership", "leadership",
    ]  # fmt: skip
    assert steps[0]["actor"] == "town-a" and steps[1]["actor_name"] == "张艳"
    assert steps[1]["note"] == "实地调研发现三资管理混乱"
    assert datetime.fromisoformat(steps[1]["at"]) > datetime.fromisoformat(steps[0]["at"])

    # The class is final: no step, no indicator change.
    r = await county.step(cid, county.leadership, "committee_approval", "general")
    assert r.status_code == 409 and r.json()["allowed_next"] == []
    r = await county.client.put(
        f"{BASE}/{cid}/indicators", json=HIGH, headers=auth(county.office, **{"If-Match": '"8"'})
    )
    assert r.status_code == 409 and r.json()["type"].endswith("already-approved")

    # Consumed from the topic as a partner agency would: one event, for this village.
    events = await read_topic(
        county.runtime.bus,
        county.runtime.settings.topic,
        until=lambda evs: any(e.type == CLASSIFIED for e in evs),
    )
    published = [e for e in events if e.type == CLASSIFIED]
    assert len(published) == 1 and published[0].subject == cid
    envelope = published[0].model_dump(mode="json")
    assert_valid_event(envelope)
    data = envelope["data"]
    assert (
        await db.fetchval(f"SELECT count(*) FROM planning.outbox WHERE type = '{CLASSIFIED}'") == 1
    )
    assert (data["village_id"], data["township_id"], data["term_id"]) == (
        county.a1["id"], county.town_a["id"], county.term,
    )  # fmt: skip
    assert (data["village_class"], data["approach"], data["scored_class"]) == (
        "key", "direct", "general",
    )  # fmt: skip
    assert data["score"] == float(expected_score(MIDDLE))
    assert "judgement_reason" not in data and "note" not in str(data)


async def test_indicators_are_corrected_by_the_township_then_only_by_the_office(
    county: County,
) -> None:
    c = await county.classify(county.a1, county.township_a, **MIDDLE)
    url = f"{BASE}/{c['id']}/indicators"
    r = await county.client.put(url, json=HIGH, headers=auth(county.township_a))
    assert r.status_code == 428 and r.json()["field"] == "If-Match"
    r = await county.client.put(
        url, json=HIGH, headers=auth(county.township_a, **{"If-Match": '"9"'})
    )
    assert r.status_code == 412
    r = await county.client.put(
        url, json=HIGH, headers=auth(county.township_a, **{"If-Match": '"1"'})
    )
    assert r.status_code == 200, r.text
    assert r.json()["scored_class"] == "key" and r.headers["ETag"] == '"2"'
    assert r.json()["indicators_by"] == "town-a"
    # Another township cannot touch it.
    r = await county.client.put(
        url, json=LOW, headers=auth(county.township_b, **{"If-Match": '"2"'})
    )
    assert r.status_code == 403

    assert (
        await county.step(c["id"], county.township_a, "township_proposal", "key")
    ).status_code == 201
    r = await county.client.put(
        url, json=LOW, headers=auth(county.township_a, **{"If-Match": '"3"'})
    )
    assert r.status_code == 409 and r.json()["type"].endswith("indicators-locked")
    # The office corrects after its field research; the score follows.
    r = await county.client.put(url, json=LOW, headers=auth(county.office, **{"If-Match": '"3"'}))
    assert r.status_code == 200, r.text
    assert r.json()["scored_class"] == "advanced" and r.json()["stage"] == "township_proposal"
    assert r.json()["indicators_by"] == "office-zhang"


async def test_method_is_versioned_and_new_scores_use_it(county: County) -> None:
    client, office = county.client, county.office
    r = await client.get(CONFIG, headers=auth(office))
    assert r.status_code == 200 and r.json()["basis"] == "default" and "ETag" not in r.headers
    assert r.json()["approaches"] == {
        "key": "direct",
        "general": "extended",
        "advanced": "research",
    }
    assert r.json()["rules"]["thresholds"] == {"key_min": "60", "advanced_max": "20"}
    before = await county.classify(county.a1, **MIDDLE)

    # 蛟河 splits key and general only: no advanced class, a lower key threshold.
    rules = DEFAULT_RULES.model_dump(mode="json")
    rules["thresholds"] = {"key_min": "30", "advanced_max": None}
    r = await client.put(
        CONFIG, json={"rules": rules, "note": "参照蛟河办法"}, headers=auth(office)
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1 and r.headers["ETag"] == '"1"'
    r = await client.put(CONFIG, json={"rules": rules}, headers=auth(office))
    assert r.status_code == 428
    r = await client.put(CONFIG, json={"rules": rules}, headers=auth(office, **{"If-Match": '"0"'}))
    assert r.status_code == 412
    # The same rules again make no new version.
    r = await client.put(CONFIG, json={"rules": rules}, headers=auth(office, **{"If-Match": '"1"'}))
    assert r.status_code == 200 and r.json()["version"] == 1

    after = await county.classify(county.b1, **MIDDLE)
    assert after["score"] == before["score"]
    assert (before["scored_class"], after["scored_class"]) == ("general", "key")
    assert after["scorecard"]["config_version"] == 1
    low = await county.classify(county.a2, **LOW)
    assert low["scored_class"] == "general"  # no advanced class any more
    # An old score stands until its indicators are entered again.
    r = await client.get(f"{BASE}/{before['id']}", headers=auth(office))
    assert r.json()["scored_class"] == "general" and r.json()["scorecard"]["config_version"] is None
    r = await client.put(
        f"{BASE}/{before['id']}/indicators",
        json=MIDDLE,
        headers=auth(office, **{"If-Match": '"1"'}),
    )
    assert r.json()["scored_class"] == "key" and r.json()["scorecard"]["config_version"] == 1

    rules["petitions"]["weight"] = "25"
    rules["judgement"]["weight"] = "15"
    r = await client.put(CONFIG, json={"rules": rules}, headers=auth(office, **{"If-Match": '"1"'}))
    assert r.status_code == 200 and r.json()["version"] == 2
    page = (await client.get(f"{CONFIG}/versions?limit=1", headers=auth(office))).json()
    assert [v["version"] for v in page["items"]] == [2] and page["total"] == 2
    page = (
        await client.get(
            f"{CONFIG}/versions", params={"limit": 1, "cursor": page["next_cursor"]},
            headers=auth(office),
        )
    ).json()  # fmt: skip
    assert [v["version"] for v in page["items"]] == [1] and page["next_cursor"] is None
    assert page["items"][0]["note"] == "参照蛟河办法"
    r = await client.get(f"{CONFIG}/versions/1", headers=auth(county.township_a))
    assert r.status_code == 200 and r.json()["rules"]["thresholds"]["advanced_max"] is None
    assert (await client.get(f"{CONFIG}/versions/7", headers=auth(office))).status_code == 404
    # Another jurisdiction still has the defaults.
    other = county.token(Role.office, jurisdiction=OTHER)
    assert (await client.get(CONFIG, headers=auth(other))).json()["basis"] == "default"
    assert (await client.get(f"{CONFIG}/versions/1", headers=auth(other))).status_code == 404


async def test_bad_method_is_a_422_naming_the_field(county: County) -> None:
    def rules(**change: Any) -> dict[str, Any]:
        body = DEFAULT_RULES.model_dump(mode="json")
        for path, value in change.items():
            node: Any = body
            *parents, last = path.split("__")
            for p in parents:
                node = node[int(p)] if p.isdigit() else node[p]
            node[int(last) if last.isdigit() else last] = value
        return body

    cases = [
        (rules(petitions__weight="40"), "rules.collective_income.weight", "weights-not-100"),
        (rules(assets__bands__0__min="10"), "rules.assets.bands.0.min", "first-band-not-zero"),
        (rules(petitions__bands__2__min="1"), "rules.petitions.bands.2.min", "bands-not-ascending"),
        (rules(petitions__bands__1__min="1.5"), "rules.petitions.bands.1.min", "not-whole"),
        (rules(thresholds__advanced_max="70"), "rules.thresholds.advanced_max",
         "thresholds-not-ordered"),
        (rules(petitions__bands__0__points=101), "rules.petitions.bands.0.points", None),
        (rules(judgement__concerning=-1), "rules.judgement.concerning", None),
        (rules(thresholds__key_min="abc"), "rules.thresholds.key_min", None),
        (rules(assets__bands=[]), "rules.assets.bands", None),
        (rules(petitions__colour="red"), "rules.petitions.colour", None),
    ]  # fmt: skip
    for body, field, code in cases:
        r = await county.client.put(CONFIG, json={"rules": body}, headers=auth(county.office))
        assert r.status_code == 422, (field, r.text)
        problem = r.json()
        assert problem["field"] == field, (field, problem)
        assert problem["message_zh"] and problem["message_en"]
        if code:
            assert problem["type"].endswith(code), problem
    r = await county.client.put(
        CONFIG, json={"rules": rules(petitions__weight="40")}, headers=auth(county.office)
    )
    assert {e["field"] for e in r.json()["errors"]} == {
        f"rules.{k}.weight"
        for k in ("collective_income", "petitions", "prior_problems", "assets", "judgement")
    }
    r = await county.client.get(CONFIG, headers=auth(county.office))
    assert r.json()["basis"] == "default"


async def test_bad_input_is_a_4xx_naming_the_field(county: County, db: Any) -> None:
    office = county.office
    other_term = await insert_term(db, jurisdiction=OTHER, name="十五届市委")
    good = {"term_id": county.term, "village_id": county.a1["id"], **MIDDLE}
    cases = [
        ({**good, "term_id": "x"}, 422, "term_id"),
        ({**good, "term_id": str(uuid.uuid4())}, 422, "term_id"),
        ({**good, "term_id": other_term}, 422, "term_id"),
        ({**good, "village_id": county.town_a["id"]}, 422, "village_id"),
        ({**good, "village_id": county.dept["id"]}, 422, "village_id"),
        ({**good, "village_id": str(uuid.uuid4())}, 422, "village_id"),
        ({**good, "collective_income": "-1"}, 422, "collective_income"),
        ({**good, "collective_income": "12.345"}, 422, "collective_income"),
        ({**good, "petitions": 1.5}, 422, "petitions"),
        ({**good, "prior_problems": -2}, 422, "prior_problems"),
        ({**good, "assets": "1e30"}, 422, "assets"),
        ({**good, "judgement": "bad"}, 422, "judgement"),
        ({**good, "judgement": "concerning", "judgement_reason": None}, 422, "judgement_reason"),
        ({**good, "judgement_reason": "x" * 501}, 422, "judgement_reason"),
        ({k: v for k, v in good.items() if k != "petitions"}, 422, "petitions"),
        ({**good, "score": 99}, 422, "score"),
    ]
    for body, status, field in cases:
        r = await county.client.post(BASE, json=body, headers=auth(office))
        assert r.status_code == status, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
        assert r.headers["content-type"].startswith("application/problem+json")
    await county.classify(county.a1)
    r = await county.client.post(BASE, json=good, headers=auth(office))
    assert r.status_code == 409 and r.json()["field"] == "village_id"
    assert r.json()["type"].endswith("duplicate-classification")

    c = (await county.client.get(BASE, headers=auth(office))).json()["items"][0]
    for body, field in (
        ({"step": "vote", "proposed_class": "key"}, "step"),
        ({"step": "township_proposal", "proposed_class": "best"}, "proposed_class"),
        ({"step": "township_proposal", "proposed_class": "key", "note": ""}, "note"),
        ({"step": "township_proposal"}, "proposed_class"),
    ):
        r = await county.client.post(f"{BASE}/{c['id']}/steps", json=body, headers=auth(office))
        assert r.status_code == 422 and r.json()["field"] == field, r.text
    r = await county.client.post(
        f"{BASE}/{uuid.uuid4()}/steps",
        json={"step": "township_proposal", "proposed_class": "key"},
        headers=auth(office),
    )
    assert r.status_code == 404 and r.json()["field"] == "classification_id"
    for params, field in (
        ({"cursor": "!!"}, "cursor"),
        ({"stage": "voting"}, "stage"),
        ({"village_class": "best"}, "village_class"),
        ({"limit": 0}, "limit"),
        ({"term_id": "x"}, "term_id"),
    ):
        r = await county.client.get(BASE, params=params, headers=auth(office))
        # A list parameter's error names the item: "stage.0".
        assert r.status_code in (400, 422), r.text
        assert r.json()["field"].split(".")[0] == field, r.text
    r = await county.client.get(f"{BASE}/counts", headers=auth(office))
    assert r.status_code == 422 and r.json()["field"] == "term_id"
    r = await county.client.get(
        f"{BASE}/export", params={"term_id": other_term}, headers=auth(office)
    )
    assert r.status_code == 404 and r.json()["field"] == "term_id"
    for body, field in (
        ({"step": "committee_approval", "entries": []}, "entries"),
        ({"step": "committee_approval",
          "entries": [{"classification_id": "x", "proposed_class": "key"}]},
         "entries.0.classification_id"),
    ):  # fmt: skip
        r = await county.client.post(f"{BASE}/batch-steps", json=body, headers=auth(office))
        assert r.status_code == 422 and r.json()["field"] == field, r.text


async def test_batch_steps_are_all_or_nothing(county: County, db: Any) -> None:
    a1 = await county.classify(county.a1, **HIGH)
    a2 = await county.classify(county.a2, **LOW)
    b1 = await county.classify(county.b1, **MIDDLE)
    url = f"{BASE}/batch-steps"

    def batch(step: str, *entries: tuple[str, str]) -> dict[str, Any]:
        return {
            "step": step,
            "entries": [{"classification_id": c, "proposed_class": k} for c, k in entries],
        }

    # Township A may propose its own villages, not township B's: nothing is recorded.
    body = batch(
        "township_proposal", (a1["id"], "key"), (a2["id"], "advanced"), (b1["id"], "general")
    )
    r = await county.client.post(url, json=body, headers=auth(county.township_a))
    assert r.status_code == 403, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["entries.2.classification_id"]
    assert await db.fetchval("SELECT count(*) FROM planning.village_classification_steps") == 0
    body = batch("township_proposal", (a1["id"], "key"), (a2["id"], "advanced"))
    r = await county.client.post(url, json=body, headers=auth(county.township_a))
    assert r.status_code == 200 and r.json()["recorded"] == 2

    # Out of order for one entry: a 409 listing it, nothing recorded.
    body = batch("field_research", (a1["id"], "key"), (b1["id"], "general"))
    r = await county.client.post(url, json=body, headers=auth(county.office))
    assert r.status_code == 409
    errors = r.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("entries.1.classification_id", "step-out-of-order")
    ]
    assert await db.fetchval("SELECT count(*) FROM planning.village_classification_steps") == 2
    # A listed twice and an unknown id are reported each.
    body = batch("field_research", (a1["id"], "key"), (a1["id"], "key"), (str(uuid.uuid4()), "key"))
    r = await county.client.post(url, json=body, headers=auth(county.office))
    assert r.status_code == 422
    assert [e["code"] for e in r.json()["errors"]] == ["duplicate-entry", "not-found"]

    for step, tok in (
        ("field_research", county.office),
        ("department_opinions", county.department),
        ("leadership_adjustment", county.leadership),
    ):
        r = await county.client.post(
            url, json=batch(step, (a1["id"], "key"), (a2["id"], "advanced")), headers=auth(tok)
        )
        assert r.status_code == 200, (step, r.text)
    r = await county.client.post(
        url,
        json=batch("committee_approval", (a1["id"], "key"), (a2["id"], "general")),
        headers=auth(county.leadership),
    )
    assert r.status_code == 200 and r.json()["approved"] == 2
    assert {i["village_code"]: i["approach"] for i in r.json()["items"]} == {
        "T01V01": "direct", "T01V02": "extended",
    }  # fmt: skip
    subjects = await db.fetch(
        f"SELECT envelope->>'subject' AS s FROM planning.outbox WHERE type = '{CLASSIFIED}'"
    )
    assert sorted(r["s"] for r in subjects) == sorted([a1["id"], a2["id"]])


async def test_list_filters_counts_and_paginates(county: County) -> None:
    a1 = await county.classify(county.a1, **HIGH)
    a2 = await county.classify(county.a2, **LOW)
    a3 = await county.classify(county.a3, **MIDDLE)
    b1 = await county.classify(county.b1, **MIDDLE)
    await county.through(a1["id"], "committee_approval", "key")
    await county.through(a2["id"], "field_research", "advanced")
    await county.through(b1["id"], "committee_approval", "general")
    office, client = county.office, county.client

    async def codes(tok: str = office, **params: Any) -> list[str]:
        r = await client.get(BASE, params={"term_id": county.term, **params}, headers=auth(tok))
        assert r.status_code == 200, r.text
        return [i["village_code"] for i in r.json()["items"]]

    assert await codes() == ["T01C01", "T01V01", "T01V02", "T02V01"]
    assert await codes(township_id=county.town_a["id"]) == ["T01C01", "T01V01", "T01V02"]
    assert await codes(village_class="key") == ["T01V01"]
    assert await codes(village_class=["key", "general"]) == ["T01V01", "T02V01"]
    assert await codes(scored_class="advanced") == ["T01V02"]
    assert await codes(stage="field_research") == ["T01V02"]
    assert await codes(stage=["entered", "field_research"]) == ["T01C01", "T01V02"]
    assert await codes(approved="false") == ["T01C01", "T01V02"]
    assert await codes(q="东庄") == ["T01V02"]
    assert await codes(q="%") == []
    # A township sees only its own villages, whatever it asks for.
    assert await codes(county.township_b) == ["T02V01"]
    r = await client.get(
        BASE, params={"township_id": county.town_a["id"]}, headers=auth(county.township_b)
    )
    assert r.status_code == 403

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(BASE, params=params, headers=auth(office))).json()
        assert page["total"] == 4
        seen += [i["village_code"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["T01C01", "T01V01", "T01V02", "T02V01"]

    counts = (
        await client.get(f"{BASE}/counts", params={"term_id": county.term}, headers=auth(office))
    ).json()
    assert counts["villages"] == 4 and counts["entered"] == 4 and counts["not_entered"] == 0
    assert counts["approved"] == 2 and counts["unapproved"] == 2
    assert counts["by_class"] == {"key": 1, "general": 1, "advanced": 0}
    assert counts["by_approach"] == {"direct": 1, "extended": 1, "research": 0}
    assert counts["by_scored_class"] == {"key": 1, "general": 2, "advanced": 1}
    assert counts["by_stage"]["entered"] == 1 and counts["by_stage"]["field_research"] == 1
    a_counts = (
        await client.get(
            f"{BASE}/counts", params={"term_id": county.term}, headers=auth(county.township_a)
        )
    ).json()
    assert a_counts["township_id"] == county.town_a["id"] and a_counts["villages"] == 3
    assert a3["stage"] == "entered"


async def test_export_is_a_workbook_with_chinese_headers(county: County) -> None:
    a1 = await county.classify(county.a1, **HIGH)
    await county.classify(county.a2, **LOW)
    b1 = await county.classify(county.b1, **MIDDLE)
    await county.through(a1["id"], "committee_approval", "key")
    await county.through(b1["id"], "leadership_adjustment", "general")
    r = await county.client.get(f"{BASE}/{a1['id']}", headers=auth(county.office))
    approved_at = datetime.fromisoformat(r.json()["approved_at"])
    r = await county.client.get(
        f"{BASE}/export", params={"term_id": county.term}, headers=auth(county.leadership)
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    sheet = wb["村分类"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    for name in ("乡镇", "村", "得分", "类别", "巡察方式", "审定时间"):
        assert name in header, name
    by_village = {row[header.index("村")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert list(by_village) == ["北岗村", "东庄村", "西营村"]  # township code, then village code
    key = by_village["北岗村"]
    assert (key["乡镇"], key["类别"], key["巡察方式"]) == ("祥和镇", "重点村", "直接巡")
    assert Decimal(str(key["得分"])) == Decimal(a1["score"])
    local = approved_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert key["审定时间"] == local.replace(tzinfo=None, microsecond=0)
    assert by_village["西营村"]["类别"] == "未审定" and by_village["西营村"]["巡察方式"] in (
        "",
        None,
    )
    assert by_village["西营村"]["当前环节"] == "领导小组调整"
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0][0] == "乡镇"
    assert summary[1] == ("祥和镇", 3, 2, 1, 0, 0, 1, 1)
    assert summary[2] == ("安乐镇", 1, 1, 0, 0, 0, 1, 0)
    assert summary[-1] == ("合计", 4, 3, 1, 0, 0, 2, 1)
    # A township exports its own villages only.
    r = await county.client.get(
        f"{BASE}/export", params={"term_id": county.term}, headers=auth(county.township_b)
    )
    rows = list(load_workbook(io.BytesIO(r.content))["村分类"].iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == ["西营村"]

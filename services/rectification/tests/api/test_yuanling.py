"""沅陵 (004): 47 problems from an inspection, 20 handed over for immediate rectification
(all done), 46 accepted = 98 %; the rating with its explanation, a poor org recommended
for a revisit; the promotion check (干部任用必审) answered from local tables."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from rectification.promotion.repository import blocking_query
from sqlalchemy.dialects import postgresql
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import (
    BASE,
    YUANLING,
    auth,
    county,
    deliver,
    feedback,
    handed_over,
    inspected,
    problem,
    rectify,
    types_in_outbox,
)

ON_SITE = datetime(2026, 5, 11, 1, 0, tzinfo=UTC)
FEEDBACK = datetime(2026, 7, 6, 1, 0, tzinfo=UTC)


@pytest.fixture
async def yuanling(platform: Any, db: Any, clock: Any) -> Any:
    clock.set(FEEDBACK)
    running = await platform("rectification", scheduler_enabled=False)
    app = running.apps["rectification"]
    place = await county(db, YUANLING, orgs=2)
    immediate = [problem(immediate=True, livelihood=i < 8) for i in range(20)]
    others = [problem(category="funds" if i % 2 else "benefits") for i in range(27)]
    await deliver(
        app,
        *(
            handed_over(place, "town_a", p, at=ON_SITE + timedelta(days=i))
            for i, p in enumerate(immediate)
        ),
        feedback(place, "town_a", immediate + others, at=FEEDBACK),
        feedback(place, "town_b", [problem() for _ in range(10)], at=FEEDBACK),
    )
    # The 20 immediate tasks come first: all done, as are 26 of the others; one of them
    # late.
    await rectify(app, place, "town_a", accept=46, late=1)
    await rectify(app, place, "town_b", accept=2, claim_only=1, owner="leader-zhao")
    return running, place


async def test_completion_rating_and_revisit(
    yuanling: Any, db: Any, token: Any, clock: Any
) -> None:
    running, place = yuanling
    client = running.client("rectification")
    office = token(Role.office, jurisdiction=YUANLING)
    org = inspected(token, place, "town_a")

    r = await client.get(
        f"{BASE}/completion",
        params={"by": "org", "org_id": place.org("town_a")},
        headers=auth(office),
    )
    (row,) = r.json()["rows"]
    assert (row["total"], row["accepted"], round(row["rate"] * 100)) == (47, 46, 98)
    r = await client.get(
        f"{BASE}/tasks",
        params={
            "org_id": place.org("town_a"),
            "kind": "immediate",
            "status": "accepted",
            "limit": 1,
        },
        headers=auth(office),
    )
    assert r.json()["total"] == 20
    # Report, disclosure and institutions before rating.
    (plan,) = (
        await client.get(
            f"{BASE}/plans", params={"org_id": place.org("town_a")}, headers=auth(office)
        )
    ).json()["items"]
    clock.set(FEEDBACK + timedelta(days=30))
    body = {
        "content": "整改报告",
        "commitment": {"signed_by": "县住建局党组书记", "statement": "属实"},
    }
    assert (
        await client.post(f"{BASE}/plans/{plan['id']}/report", json=body, headers=auth(org))
    ).status_code == 201
    for scope in ("party", "public"):
        r = await client.post(
            f"{BASE}/plans/{plan['id']}/report/disclosures",
            json={"scope": scope, "disclosed_on": "2026-08-05", "place": "沅陵县纪委监委网站"},
            headers=auth(office),
        )
        assert r.status_code == 201, r.text
    tasks = (
        await client.get(
            f"{BASE}/tasks", params={"org_id": place.org("town_a"), "limit": 5}, headers=auth(org)
        )
    ).json()["items"]
    for t in tasks:
        r = await client.post(
            f"{BASE}/tasks/{t['id']}/institutions",
            json={"name": "《沅陵县公共租赁住房分配方案》", "adopted_on": "2026-08-01"},
            headers=auth(org),
        )
        assert r.status_code == 201

    # Another county's office is told of no such round (it was answered an empty 200).
    elsewhere = token(Role.office, jurisdiction="410825")
    r = await client.post(f"{BASE}/rounds/{place.round_id}/ratings", headers=auth(elsewhere))
    assert r.status_code == 404, r.text
    assert r.json()["field"] == "round_id"
    r = await client.post(f"{BASE}/rounds/{place.round_id}/ratings", headers=auth(office))
    assert r.status_code == 200, r.text
    ratings = {x["org_id"]: x for x in r.json()}
    good, poor = ratings[place.org("town_a")], ratings[place.org("town_b")]
    assert good["rating"] == "good" and good["score"] == 98.0
    assert "按期完成率：按期完成并验收45项/共47项" in good["explanation_zh"]
    assert "已党内公开、向社会公开" in good["explanation_zh"]
    assert good["explanation_zh"].endswith("评为“好”（“好”不低于85分，“中”不低于60分）。")
    assert [f["key"] for f in good["factors"]] == [
        "on_time", "acceptance", "rejections", "disclosure", "institutions",
    ]  # fmt: skip
    assert poor["rating"] == "poor" and "未报送整改报告" in poor["explanation_zh"]
    types = await types_in_outbox(db)
    assert types.count("org.rated.v1") == 2 and types.count("revisit.recommended.v1") == 1

    for path, title in (("ratings.xlsx", "评定等次"), ("institutions.xlsx", "制度名称")):
        r = await client.get(f"{BASE}/{path}", headers=auth(office))
        sheet = load_workbook(io.BytesIO(r.content)).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert title in rows[0] and len(rows) == (3 if path == "ratings.xlsx" else 6)
    r = await client.get(f"{BASE}/ratings.xlsx", params={"rating": "good"}, headers=auth(office))
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None and sheet.cell(2, 3).value == "好"

    # Weights per jurisdiction change the score.
    r = await client.put(
        f"{BASE}/rules",
        json={
            "weights": {
                "on_time": 0,
                "acceptance": 100,
                "rejections": 0,
                "disclosure": 0,
                "institutions": 0,
            }
        },
        headers=auth(office),
    )
    assert r.status_code == 201
    r = await client.post(f"{BASE}/plans/{plan['id']}/rating", headers=auth(office))
    assert r.json()["score"] == 97.9
    poor = (
        await client.get(f"{BASE}/ratings", params={"rating": "poor"}, headers=auth(office))
    ).json()
    assert poor["items"][0]["org_id"] == place.org("town_b")
    assert poor["items"][0]["org_name"] and poor["total"] == len(poor["items"])
    # Paged by score, lowest first, one a page, every rating once.
    everything = (await client.get(f"{BASE}/ratings", headers=auth(office))).json()["items"]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"{BASE}/ratings", params=params, headers=auth(office))).json()
        seen += [x["plan_id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [x["plan_id"] for x in everything] and len(seen) >= 2
    scores = [x["score"] for x in everything]
    assert scores == sorted(scores)
    r = await client.get(
        f"{BASE}/ratings", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=auth(office)
    )
    assert r.status_code == 400


async def test_rated_at_period_end_once(yuanling: Any, db: Any, clock: Any) -> None:
    running, _ = yuanling
    from services.rectification.tests.api.factories import tick

    app = running.apps["rectification"]
    clock.set(datetime(2026, 8, 12, 1, tzinfo=UTC))  # report due 13 August
    await tick(app)
    assert "org.rated.v1" not in await types_in_outbox(db)
    clock.set(datetime(2026, 8, 14, 1, tzinfo=UTC))
    await tick(app)
    await tick(app)
    assert (await types_in_outbox(db)).count("org.rated.v1") == 2


async def test_promotion_check(yuanling: Any, db: Any, token: Any, clock: Any) -> None:
    running, place = yuanling
    client = running.client("rectification")
    organization = token(Role.organization, jurisdiction=YUANLING)
    clock.set(FEEDBACK + timedelta(days=20))  # before any deadline (period ends 6 August)

    async def ask(**params: Any) -> dict[str, Any]:
        r = await client.get(f"{BASE}/promotion-check", params=params, headers=auth(organization))
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    assert (await ask(account="leader-li"))["blocking"] is False
    clock.set(datetime(2026, 8, 10, 1, tzinfo=UTC))
    answer = await ask(account="leader-li")
    assert answer["blocking"] is True and answer["as_of"] == "2026-08-10"
    (blocking,) = answer["tasks"]
    assert blocking["due_on"] == "2026-08-06" and blocking["reason_zh"] == "逾期未完成整改"
    assert blocking["org_name"] == "第1镇党委" and blocking["days_overdue"] == 4
    zhao = await ask(account="leader-zhao")
    assert [t["status"] for t in zhao["tasks"]].count("claimed") == 1 and len(zhao["tasks"]) == 8
    assert "已申请销号，逾期尚未验收通过" in {t["reason_zh"] for t in zhao["tasks"]}
    assert len((await ask(org_id=place.org("town_b")))["tasks"]) == 8
    assert len((await ask(person="责任人1"))["tasks"]) == 3
    assert (await ask(account="leader-nobody"))["blocking"] is False
    r = await client.get(
        f"{BASE}/promotion-check",
        params={"account": "a", "person": "b"},
        headers=auth(organization),
    )
    assert r.status_code == 422
    # Another jurisdiction's organization department sees nothing of 沅陵.
    other = token(Role.organization, jurisdiction="410825")
    r = await client.get(
        f"{BASE}/promotion-check", params={"account": "leader-li"}, headers=auth(other)
    )
    assert r.json()["blocking"] is False


@pytest.mark.parametrize(
    ("subject", "index"),
    [
        ({"account": "leader-li"}, "ix_tasks_owner_unaccepted"),
        ({"person": "责任人1"}, "ix_tasks_person_unaccepted"),
        ({"org_id": None}, "ix_tasks_org_unaccepted"),
    ],
)
async def test_promotion_check_is_one_indexed_query_on_local_tables(
    yuanling: Any, db: Any, subject: dict[str, Any], index: str
) -> None:
    _, place = yuanling
    params = {"account": None, "person": None, "org_id": None, **subject}
    if "org_id" in subject:
        params["org_id"] = place.orgs["town_b"]
    query = blocking_query(jurisdiction=YUANLING, today=date(2026, 8, 10), **params)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    # Only this service's schema is read.
    assert "planning." not in sql and "findings." not in sql
    async with db.transaction():
        await db.execute("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in await db.fetch(f"EXPLAIN {sql}"))
    assert index in plan, plan


async def test_first_four_rounds_over_95_percent(
    platform: Any, db: Any, token: Any, clock: Any
) -> None:
    """十三届县委前四轮巡察发现问题整改完成率达到95%以上 (004): per round and for the term."""
    clock.set(FEEDBACK)
    running = await platform("rectification", scheduler_enabled=False)
    app, client = running.apps["rectification"], running.client("rectification")
    first = await county(db, YUANLING, orgs=1, number=1)
    for number in range(1, 5):
        place = (
            first
            if number == 1
            else await county(db, YUANLING, orgs=1, term_id=first.term_id, number=number)
        )
        await deliver(app, feedback(place, "town_a", [problem() for _ in range(40)], at=FEEDBACK))
        await rectify(app, place, "town_a", accept=38 + number % 2)
    office = token(Role.office, jurisdiction=YUANLING)
    r = await client.get(f"{BASE}/completion", params={"by": "round"}, headers=auth(office))
    rates = {row["name"]: row["rate"] for row in r.json()["rows"]}
    assert rates == {"第1轮巡察": 0.975, "第2轮巡察": 0.95, "第3轮巡察": 0.975, "第4轮巡察": 0.95}
    r = await client.get(
        f"{BASE}/completion",
        params={"by": "term", "term_id": str(first.term_id)},
        headers=auth(office),
    )
    assert r.json()["rows"][0]["total"] == 160 and r.json()["rate"] == 154 / 160

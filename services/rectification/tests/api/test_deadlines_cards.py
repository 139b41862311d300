"""Time-based facts with a moved clock: due-soon and overdue once per deadline (again when a
deadline moves), on the Chinese working-day calendar; yellow and red cards raised,
escalated and lifted, a red card scheduling supervision and an interview."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.auth import Role
from xuncha_shared.documents import docx_text

from services.rectification.tests.api.factories import (
    BASE,
    MONDAY,
    auth,
    claim,
    county,
    decide,
    deliver,
    feedback,
    fill_in,
    inspected,
    problem,
    tasks_of,
    tick,
)


def day(month: int, d: int) -> datetime:
    """09:00 in Beijing."""
    return datetime(2026, month, d, 1, 0, tzinfo=UTC)


async def events(db: Any, suffix: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT envelope FROM rectification.outbox WHERE type LIKE $1 ORDER BY seq", f"%{suffix}"
    )
    return [
        json.loads(r["envelope"])["data"]
        if isinstance(r["envelope"], str)
        else r["envelope"]["data"]
        for r in rows
    ]


@pytest.fixture
async def running(platform: Any, clock: Any) -> Any:
    clock.set(MONDAY)
    return await platform("rectification", scheduler_enabled=False)


async def test_due_soon_and_overdue_once_per_deadline(
    running: Any, db: Any, token: Any, clock: Any
) -> None:
    app, client = running.apps["rectification"], running.client("rectification")
    place = await county(db)
    await deliver(app, feedback(place, "town_a", [problem(), problem()], at=MONDAY))
    org = inspected(token, place, "town_a")
    tasks = await tasks_of(client, org)
    task = await fill_in(client, org, tasks[0], due_on="2026-03-25")

    await tick(app)
    assert await events(db, "due_soon.v1") == []
    # Plan due Monday 23 March; three working days before is Wednesday 18 March.
    clock.set(day(3, 17))
    await tick(app)
    assert await events(db, "due_soon.v1") == []
    clock.set(day(3, 18))
    await tick(app)
    await tick(app)
    (soon,) = await events(db, "due_soon.v1")
    assert soon["what"] == "plan" and soon["due_on"] == "2026-03-23"

    clock.set(day(3, 24))
    await tick(app)
    await tick(app)
    overdue = await events(db, "overdue.v1")
    assert [(e["what"], e["due_on"]) for e in overdue] == [("plan", "2026-03-23")]
    soons = await events(db, "due_soon.v1")
    assert [(e["what"], e["due_on"], e["owner_accounts"]) for e in soons[1:]] == [
        ("task", "2026-03-25", ["leader-li"])
    ]

    # The task passes its deadline: overdue once; moved to a later day, warned again.
    clock.set(day(3, 26))
    await tick(app)
    await tick(app)
    assert [(e["what"], e["due_on"]) for e in await events(db, "overdue.v1")][1:] == [
        ("task", "2026-03-25")
    ]
    await fill_in(client, org, {**task, "version": task["version"]}, due_on="2026-03-31")
    await tick(app)
    await tick(app)
    soons = await events(db, "due_soon.v1")
    assert [(e["what"], e["due_on"]) for e in soons] == [
        ("plan", "2026-03-23"), ("task", "2026-03-25"), ("task", "2026-03-31"),
    ]  # fmt: skip

    # The other task and the report (period ends 2 April; report due 10 April after 清明).
    clock.set(day(4, 3))
    await tick(app)
    clock.set(day(4, 7))  # two working days before 10 April
    await tick(app)
    whats = [(e["what"], e["due_on"]) for e in await events(db, "due_soon.v1")]
    assert ("report", "2026-04-10") in whats
    assert await db.fetchval("SELECT count(*) FROM rectification.deadline_notices") == len(
        await events(db, "due_soon.v1")
    ) + len(await events(db, "overdue.v1"))


async def test_cards_raised_escalated_and_lifted(
    running: Any, db: Any, token: Any, clock: Any
) -> None:
    app, client = running.apps["rectification"], running.client("rectification")
    place = await county(db)
    await deliver(
        app,
        feedback(place, "town_a", [problem(), problem()], at=MONDAY),
        feedback(place, "town_b", [problem()], at=MONDAY),
    )
    office = token(Role.office, jurisdiction=place.jurisdiction)
    discipline = token(Role.discipline, jurisdiction=place.jurisdiction)
    org_a, org_b = inspected(token, place, "town_a"), inspected(token, place, "town_b")
    a = [await fill_in(client, org_a, t) for t in await tasks_of(client, org_a)]
    (b,) = [
        await fill_in(client, org_b, t, due_on="2026-03-05") for t in await tasks_of(client, org_b)
    ]

    clock.set(day(3, 5))
    await tick(app)
    assert await events(db, "card.raised.v1") == []

    # 12 March: a third of the period gone, nothing accepted: yellow for both; town_b's
    # task is also overdue.
    clock.set(day(3, 12))
    await tick(app)
    await tick(app)
    raised = {e["org_id"]: e for e in await events(db, "card.raised.v1")}
    assert set(raised) == {place.org("town_a"), place.org("town_b")}
    assert raised[place.org("town_a")]["color"] == "yellow"
    assert (
        "整改完成率0%，落后于集中整改期时间进度32%超过20%"
        in raised[place.org("town_a")]["reason_zh"]
    )
    assert "有1项整改任务逾期未完成" in raised[place.org("town_b")]["reason_zh"]

    # town_a's first task is rejected twice: red (escalated), supervision and interview
    # scheduled in working days.
    t = a[0]
    for _ in range(2):
        t = await decide(client, discipline, await claim(client, org_a, t), accept=False)
    await tick(app)
    (escalated,) = await events(db, "card.escalated.v1")
    assert escalated["color"] == "red" and "验收2次及以上未通过" in escalated["reason_zh"]
    assert escalated["supervision_due_on"] == "2026-03-19"
    assert escalated["interview_due_on"] == "2026-03-26"
    # town_b: more than 10 working days overdue on 20 March: red as well.
    clock.set(day(3, 20))
    await tick(app)
    escalations = await events(db, "card.escalated.v1")
    assert [e["org_id"] for e in escalations] == [place.org("town_a"), place.org("town_b")]
    assert "超过10个工作日" in escalations[1]["reason_zh"]

    r = await client.get(
        f"{BASE}/cards", params={"open": True, "color": "red"}, headers=auth(office)
    )
    cards = r.json()["items"]
    assert r.json()["total"] == 2
    assert len(cards) == 2 and all(len(c["actions"]) == 2 for c in cards)
    # Paged: one card a page, the same two cards in the same order, then no cursor.
    params: dict[str, Any] = {"open": True, "color": "red", "limit": 1}
    first = (await client.get(f"{BASE}/cards", params=params, headers=auth(office))).json()
    assert first["total"] == 2 and first["next_cursor"]
    params["cursor"] = first["next_cursor"]
    second = (await client.get(f"{BASE}/cards", params=params, headers=auth(office))).json()
    assert [c["id"] for c in first["items"] + second["items"]] == [c["id"] for c in cards]
    assert second["next_cursor"] is None
    mine = (await client.get(f"{BASE}/cards", headers=auth(org_a))).json()["items"]
    assert [c["org_id"] for c in mine] == [place.org("town_a")]
    card = next(c for c in cards if c["org_id"] == place.org("town_a"))
    action = card["actions"][0]
    r = await client.post(
        f"{BASE}/cards/{card['id']}/actions/{action['id']}/done",
        json={"done_on": "2026-03-20", "note": "已到现场督导"},
        headers=auth(office),
    )
    assert r.status_code == 200 and r.json()["actions"][0]["done_on"] == "2026-03-20"

    r = await client.get(f"{BASE}/cards.xlsx", headers=auth(office))
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "被巡察对象", "预警等级", "预警理由") and len(rows) == 3
    assert {row[2] for row in rows[1:]} == {"红牌"} and "现场督导（期限" in str(rows[1][7])

    # The interview notice: numbered once, in the jurisdiction's issuer and template.
    rules = {"issuer": "中共温县县委巡察工作领导小组办公室", "issuer_short": "温"}
    assert (await client.put(f"{BASE}/rules", json=rules, headers=auth(office))).status_code == 201
    letters = []
    for _ in range(2):
        r = await client.post(f"{BASE}/cards/{card['id']}/interview-letter", headers=auth(office))
        assert r.status_code == 200, r.text
        letters.append(docx_text(r.content))
    assert letters[0] == letters[1]
    assert "温巡整约〔2026〕1号" in letters[0]
    assert "中共温县县委巡察工作领导小组办公室" in letters[0]
    assert "关于对第1镇党委巡察整改工作进行约谈的通知" in letters[0]
    assert "验收2次及以上未通过" in letters[0] and "2026年3月26日" in letters[0]
    r = await client.post(f"{BASE}/cards/{card['id']}/interview-letter", headers=auth(org_a))
    assert r.status_code == 403

    # town_a finishes everything: the card is lifted, once.
    t = await decide(client, discipline, await claim(client, org_a, t), accept=True)
    await decide(client, discipline, await claim(client, org_a, a[1]), accept=True)
    await tick(app)
    await tick(app)
    (lifted,) = await events(db, "card.lifted.v1")
    assert lifted["org_id"] == place.org("town_a") and lifted["color"] == "red"
    assert (
        await db.fetchval("SELECT count(*) FROM rectification.cards WHERE lifted_at IS NULL") == 1
    )
    assert b["status"] == "open"

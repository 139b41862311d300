"""The chase with the clock moved: a clue past a limit gets a reminder (提醒函), then, a grace
of working days later, a supervision letter (督办函); each once per clue and stage, numbered
without gaps, with a .docx; and the monthly ledger review with ages and next steps."""

from __future__ import annotations

import io
import json
from datetime import datetime
from typing import Any

from openpyxl import load_workbook
from xuncha_shared.app import run_periodic_once
from xuncha_shared.documents import docx_text
from xuncha_shared.testing.contracts import assert_valid_event

from services.clues.tests.api.clue_factories import (
    BASE,
    LIMITS,
    auth,
    beijing,
    step,
    to_status,
    tokens,
    world,
)


async def letters(db: Any) -> list[tuple[str, str, str, str]]:
    rows = await db.fetch(
        "SELECT envelope FROM clues.outbox WHERE type LIKE '%issued.v1' ORDER BY seq"
    )
    out = []
    for r in rows:
        e = json.loads(r["envelope"])
        assert_valid_event(e)
        kind = "reminder" if "reminder" in e["type"] else "supervision"
        out.append((e["subject"], kind, e["data"]["stage"], e["data"]["doc_number"]))
    return out


async def test_reminder_then_supervision_each_once(
    platform: Any, token: Any, db: Any, clock: Any
) -> None:
    clock.set(beijing(2026, 3, 2, 9, 0))  # Monday
    running = await platform("clues", scheduler_enabled=False, issuer_short="蛟")
    client, app = running.client("clues"), running.apps["clues"]
    runtime = app.state.runtime
    w = await world(app)
    t = tokens(token, w)
    r = await client.put(f"{BASE}/deadline-settings", json=LIMITS, headers=auth(t.office))
    assert r.status_code == 201 and r.json()["is_default"] is False
    r = await client.put(f"{BASE}/deadline-settings", json=LIMITS, headers=auth(t.discipline))
    assert r.status_code == 403

    reviewed = await to_status(client, t, w, "reviewed")  # transfer due Wed 4 March
    transferred = await to_status(client, t, w, "transferred")  # receipt due Tue 3 March
    assert transferred["receipt_due_on"] == "2026-03-03"
    accepted = await to_status(client, t, w, "accepted")  # first progress due Thu 5 March
    await to_status(client, t, w, "draft")  # a draft runs no limit

    async def tick(at: datetime) -> list[tuple[str, str, str, str]]:
        clock.set(at)
        await run_periodic_once(runtime)
        await run_periodic_once(runtime)  # a second run (or replica) adds nothing
        return await letters(db)

    assert await tick(beijing(2026, 3, 3, 23, 59)) == []
    # Wednesday: the receipt is a day late.
    assert await tick(beijing(2026, 3, 4, 8, 0)) == [
        (transferred["id"], "reminder", "receipt", "蛟巡提〔2026〕1号")
    ]
    # Thursday: the transfer is late too.
    got = await tick(beijing(2026, 3, 5, 8, 0))
    assert got[1:] == [(reviewed["id"], "reminder", "transfer", "蛟巡提〔2026〕2号")]
    # Friday: the first progress report is late; the receipt reminder's grace (2 working
    # days from Wednesday) runs to the end of Friday.
    got = await tick(beijing(2026, 3, 6, 8, 0))
    assert got[2:] == [(accepted["id"], "reminder", "first_progress", "蛟巡提〔2026〕3号")]
    # Monday 9 March: the receipt gets its supervision letter.
    got = await tick(beijing(2026, 3, 9, 8, 0))
    assert got[3:] == [(transferred["id"], "supervision", "receipt", "蛟巡督〔2026〕1号")]
    # The department reports progress: that limit is over, and no supervision follows.
    accepted = (await client.get(f"{BASE}/clues/{accepted['id']}", headers=auth(t.office))).json()
    await step(client, t.discipline, accepted, "progress", {"note": "已初核"})
    got = await tick(beijing(2026, 3, 12, 8, 0))
    assert [g[:3] for g in got[4:]] == [(reviewed["id"], "supervision", "transfer")]
    assert len(await tick(beijing(2026, 3, 13, 8, 0))) == 5
    count = await db.fetchval("SELECT count(*) FROM clues.chase_letters")
    assert count == 5

    # The letters, readable by the office and the recipient of that clue.
    r = await client.get(f"{BASE}/clues/{transferred['id']}/letters", headers=auth(t.discipline))
    assert [x["step"] for x in r.json()] == ["reminder", "supervision"]
    assert r.json()[0]["addressee_org_id"] == str(w.discipline_org)
    r = await client.get(f"{BASE}/letters/{r.json()[1]['id']}/document", headers=auth(t.office))
    assert r.status_code == 200
    text = docx_text(r.content)
    assert "蛟巡督〔2026〕1号" in text and "督办函" in text and transferred["id"] in text
    r = await client.get(f"{BASE}/clues/{reviewed['id']}/letters", headers=auth(t.member))
    assert r.status_code == 404

    r = await client.get(f"{BASE}/letter-templates", headers=auth(t.office))
    assert {i["kind"] for i in r.json()["items"]} == {"clue_reminder", "clue_supervision"}

    # The monthly review lists every open clue with its age and next step.
    r = await client.get(
        f"{BASE}/ledger-review", params={"as_of": "2026-03-31"}, headers=auth(t.office)
    )
    review = r.json()
    assert review["open_count"] == 4
    by_id = {i["clue_id"]: i for i in review["items"]}
    assert by_id[reviewed["id"]]["next_step"] == "移交承办部门"
    assert by_id[reviewed["id"]]["age_workdays"] == 21
    assert by_id[reviewed["id"]]["overdue_stages"] == ["transfer"]
    assert by_id[accepted["id"]]["overdue_stages"] == ["conclusion"]
    assert by_id[transferred["id"]]["letters"] == 2
    r = await client.get(
        f"{BASE}/ledger-review.xlsx", params={"as_of": "2026-03-31"}, headers=auth(t.office)
    )
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None and sheet.max_row == 5
    assert (
        await client.get(f"{BASE}/ledger-review", headers=auth(t.leadership))
    ).status_code == 403

"""The ledger's clock: each row says since when the clue is in its stage, how many working
days that is, the next due day and which limits are past; ``overdue`` filters on exactly
that (the same rule as the monthly review), pages carry the total, and the export has the
same filters and columns."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

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


async def test_stage_ages_overdue_filter_total_and_export(
    platform: Any, token: Any, clock: Any
) -> None:
    clock.set(beijing(2026, 3, 2, 9, 0))  # Monday
    running = await platform("clues", scheduler_enabled=False)
    client, app = running.client("clues"), running.apps["clues"]
    w = await world(app)
    t = tokens(token, w)
    r = await client.put(f"{BASE}/deadline-settings", json=LIMITS, headers=auth(t.office))
    assert r.status_code == 201

    draft = await to_status(client, t, w, "draft")
    reviewed = await to_status(client, t, w, "reviewed")  # transfer due Wed 4 March
    transferred = await to_status(client, t, w, "transferred")  # receipt due Tue 3 March
    clock.set(beijing(2026, 3, 3, 10, 0))
    accepted = await to_status(client, t, w, "accepted")  # first progress due Fri 6 March

    async def ledger(tok: str, **params: Any) -> dict[str, Any]:
        r = await client.get(f"{BASE}/clues", params=params, headers=auth(tok))
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    # Tuesday: nothing is late yet; ages count working days in the stage.
    page = await ledger(t.office)
    assert page["total"] == 4
    rows = {i["id"]: i for i in page["items"]}
    assert rows[transferred["id"]]["stage_age_workdays"] == 1
    assert rows[transferred["id"]]["next_due_on"] == "2026-03-03"
    assert rows[accepted["id"]]["stage_age_workdays"] == 0
    assert rows[accepted["id"]]["next_due_on"] == "2026-03-06"
    assert rows[draft["id"]]["next_due_on"] is None
    assert not any(i["overdue"] for i in page["items"])
    assert (await ledger(t.office, overdue=True))["total"] == 0

    # Thursday 5 March: the receipt (due Tuesday) and the transfer (due Wednesday) are late.
    clock.set(beijing(2026, 3, 5, 8, 0))
    late = await ledger(t.office, overdue=True)
    assert late["total"] == 2
    assert {i["id"] for i in late["items"]} == {reviewed["id"], transferred["id"]}
    by_id = {i["id"]: i for i in late["items"]}
    assert by_id[transferred["id"]]["overdue_stages"] == ["receipt"]
    assert by_id[reviewed["id"]]["overdue_stages"] == ["transfer"]
    assert by_id[reviewed["id"]]["stage_age_workdays"] == 3
    on_time = await ledger(t.office, overdue=False)
    assert {i["id"] for i in on_time["items"]} == {draft["id"], accepted["id"]}

    # The filter agrees with the monthly review, row by row.
    r = await client.get(f"{BASE}/ledger-review", headers=auth(t.office))
    review = {i["clue_id"]: i["overdue_stages"] for i in r.json()["items"]}
    assert {k for k, v in review.items() if v} == {i["id"] for i in late["items"]}

    # Monday 9 March: the first progress report (due Friday) is late; a report ends that.
    clock.set(beijing(2026, 3, 9, 8, 0))
    late = await ledger(t.office, overdue=True, status="accepted")
    assert [(i["id"], i["overdue_stages"]) for i in late["items"]] == [
        (accepted["id"], ["first_progress"])
    ]
    current = (await client.get(f"{BASE}/clues/{accepted['id']}", headers=auth(t.office))).json()
    assert current["overdue"] is True and current["stage_age_workdays"] == 4
    await step(client, t.discipline, current, "progress", {"note": "已初核"})
    assert (await ledger(t.office, overdue=True, status="accepted"))["total"] == 0

    # Paging keeps the total; the recipient's ledger is its own clues only.
    first = await ledger(t.office, limit=3)
    assert first["total"] == 4 and len(first["items"]) == 3 and first["next_cursor"]
    mine = await ledger(t.discipline, overdue=True)
    assert [i["id"] for i in mine["items"]] == [transferred["id"]] and mine["total"] == 1

    # The export takes the same filters and carries the clock's columns.
    r = await client.get(
        f"{BASE}/clues/export.xlsx", params={"overdue": True}, headers=auth(t.office)
    )
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    assert {"当前环节已历时（工作日）", "下一期限", "是否超期", "已超期环节"} <= set(header)
    body = [dict(zip(header, row, strict=True)) for row in table[1:] if any(row)]
    assert {b["线索编号"] for b in body} == {reviewed["id"], transferred["id"]}
    assert {b["已超期环节"] for b in body} == {"研判后移交", "移交后签收"}
    r = await client.get(f"{BASE}/clues/export.xlsx", headers=auth(t.discipline))
    assert r.status_code == 403

"""Change requests (调整申请, rectification.change_requests): what the inspection or the
office decided on a task the org cannot change by itself; it asks, the office of the
jurisdiction approves (the task takes the requested values in the same transaction) or
rejects with an opinion (the task keeps its own). One open request per task; a decided
request stays decided; the org may withdraw; only decided fields, changed, a working-day
deadline; a create is idempotent."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.auth import Role

from services.rectification.tests.api.factories import (
    BASE,
    OTHER,
    Place,
    auth,
    fed_back_county,
    fill_in,
    inspected,
    tasks_of,
    types_in_outbox,
)

# Tuesday 31 March 2026, a working day after the tasks opened; 4 April 2026 is a Saturday.
LATER = "2026-03-31"
SATURDAY = "2026-04-04"
REASON = "涉及的12户补偿款需经县财政局重新核定，原定时限内无法完成。"


@pytest.fixture
async def setup(platform: Any, db: Any, clock: Any) -> tuple[Any, Place]:
    return await fed_back_county(platform, db, clock, town_b=True)


def office_of(token: Any, place: Place) -> str:
    return str(token(Role.office, jurisdiction=place.jurisdiction, subject="office-zhang"))


async def immediate_task(client: Any, org: str) -> dict[str, Any]:
    return next(t for t in await tasks_of(client, org) if t["immediate"])


async def file(client: Any, org: str, task: dict[str, Any], body: dict[str, Any], **h: str) -> Any:
    return await client.post(
        f"{BASE}/tasks/{task['id']}/change-requests", json=body, headers=auth(org, **h)
    )


async def filed(client: Any, org: str, task: dict[str, Any], **changes: Any) -> dict[str, Any]:
    r = await file(client, org, task, {"reason": REASON, **changes})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    assert r.headers["Location"].endswith(f"/change-requests/{body['id']}")
    assert r.headers["ETag"] == f'"{body["version"]}"'
    return body


async def act(
    client: Any, tok: str, request: dict[str, Any], action: str, body: dict[str, Any] | None = None
) -> Any:
    return await client.post(
        f"{BASE}/change-requests/{request['id']}/{action}",
        json=body if body is not None else ({} if action != "withdraw" else None),
        headers=auth(tok, **{"If-Match": f'"{request["version"]}"'}),
    )


async def task_now(client: Any, tok: str, task_id: str) -> dict[str, Any]:
    r = await client.get(f"{BASE}/tasks/{task_id}", headers=auth(tok))
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def assert_problem(r: Any, status: int, field: str | None, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    problem: dict[str, Any] = r.json()
    assert problem["type"].endswith(f"/{code}"), problem
    assert problem.get("field") == field, problem
    assert problem["message_zh"] and problem["message_en"]
    return problem


async def test_an_approved_request_moves_the_immediate_tasks_deadline(
    setup: tuple[Any, Place], token: Any, db: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    office = office_of(token, place)
    task = await immediate_task(client, org)
    request = await filed(client, org, task, due_on=LATER)
    assert request["status"] == "open" and request["fields"] == ["due_on"]
    assert (request["current_due_on"], request["due_on"]) == (task["due_on"], LATER)
    assert (await types_in_outbox(db))[-1] == "task.change_requested.v1"

    # The office sees the open request in its ledger, filtered by status and org.
    r = await client.get(
        f"{BASE}/change-requests",
        params={"status": "open", "org_id": place.org("town_a")},
        headers=auth(office),
    )
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 1 and r.json()["items"][0]["id"] == request["id"]

    r = await act(client, office, request, "approve", {"opinion": "同意延期"})
    assert r.status_code == 200, r.text
    decided = r.json()
    assert (decided["status"], decided["decided_by"], decided["opinion"]) == (
        "approved",
        "office-zhang",
        "同意延期",
    )
    changed = await task_now(client, org, task["id"])
    assert (changed["due_on"], changed["kind"]) == (LATER, "immediate")
    assert changed["version"] == task["version"] + 1
    assert (await types_in_outbox(db))[-1] == "task.change_decided.v1"
    data = await db.fetchval(
        "SELECT envelope->'data' FROM rectification.outbox ORDER BY seq DESC LIMIT 1"
    )
    assert '"approved"' in data and LATER in data and REASON not in data

    # Decided once: neither approved again nor rejected nor withdrawn.
    for action, body in [("approve", {}), ("reject", {"opinion": "不同意"}), ("withdraw", None)]:
        tok = org if action == "withdraw" else office
        assert_problem(
            await act(client, tok, decided, action, body), 409, None, "change-request-decided"
        )


async def test_a_rejected_request_leaves_the_task_as_it_was(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    office = office_of(token, place)
    task = await immediate_task(client, org)
    request = await filed(client, org, task, due_on=LATER)
    # A rejection needs the office's opinion.
    r = await act(client, office, request, "reject", {})
    assert r.status_code == 422 and r.json()["field"] == "opinion", r.text
    r = await act(client, office, request, "reject", {"opinion": "属立行立改，应按期完成"})
    assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
    kept = await task_now(client, org, task["id"])
    assert (kept["due_on"], kept["version"]) == (task["due_on"], task["version"])
    # The org reads the office's opinion on its request.
    r = await client.get(f"{BASE}/change-requests/{request['id']}", headers=auth(org))
    assert r.status_code == 200 and r.json()["opinion"] == "属立行立改，应按期完成"


async def test_one_open_request_per_task_until_it_is_withdrawn(
    setup: tuple[Any, Place], token: Any, db: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    task = await immediate_task(client, org)
    first = await filed(client, org, task, due_on=LATER)
    problem = assert_problem(
        await file(client, org, task, {"due_on": "2026-03-30", "reason": REASON}),
        409,
        "task_id",
        "change-request-open",
    )
    assert problem["change_request_id"] == first["id"] and first["id"] in problem["message_zh"]

    # Only the org itself withdraws, with If-Match.
    r = await act(client, office_of(token, place), first, "withdraw")
    assert r.status_code == 403, r.text
    r = await act(client, org, first, "withdraw")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn", r.text
    assert (await types_in_outbox(db))[-1] == "task.change_withdrawn.v1"
    second = await filed(client, org, task, due_on="2026-03-30")
    assert second["id"] != first["id"]


async def test_only_decided_fields_changed_for_a_reason_are_asked(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    task = await immediate_task(client, org)
    short = next(t for t in await tasks_of(client, org) if not t["immediate"])
    cases: list[tuple[dict[str, Any], dict[str, Any], str, str]] = [
        (task, {"reason": REASON}, "kind", "nothing-to-change"),
        (task, {"due_on": task["due_on"], "reason": REASON}, "due_on", "unchanged"),
        (task, {"kind": "short", "reason": REASON}, "kind", "kind-immediate-fixed"),
        (short, {"kind": "immediate", "reason": REASON}, "kind", "kind-immediate-fixed"),
        # Drafting its plan, the org sets a short task's deadline itself: nothing to ask.
        (short, {"due_on": LATER, "reason": REASON}, "due_on", "not-decided"),
        (task, {"measures": "另行制定", "reason": REASON}, "measures", "not-decided"),
        (task, {"due_on": SATURDAY, "reason": REASON}, "due_on", "not-a-workday"),
        (task, {"due_on": "2026-02-27", "reason": REASON}, "due_on", "bad-due-on"),
        (task, {"due_on": "2032-03-31", "reason": REASON}, "due_on", "bad-due-on"),
    ]
    for which, body, field, code in cases:
        assert_problem(await file(client, org, which, body), 422, field, code)
    # What the org fills in itself, a blank or missing reason: refused by the schema.
    for body, field in [
        ({"responsible_person": "李四", "reason": REASON}, "responsible_person"),
        ({"due_on": LATER, "reason": "   "}, "reason"),
        ({"due_on": LATER}, "reason"),
        ({"due_on": LATER, "reason": "长" * 1001}, "reason"),
    ]:
        r = await file(client, org, task, body)
        assert r.status_code == 422 and field in r.json()["field"], r.text
    r = await client.get(f"{BASE}/change-requests", headers=auth(org))
    assert r.json()["total"] == 0

    # Once the plan is submitted, every task's kind, deadline and measures are asked for.
    for t in await tasks_of(client, org):
        await fill_in(client, org, t, **({} if t["immediate"] else {"due_on": "2026-03-20"}))
    (plan,) = (await client.get(f"{BASE}/plans", headers=auth(org))).json()["items"]
    r = await client.post(
        f"{BASE}/plans/{plan['id']}/submit",
        headers=auth(org, **{"If-Match": f'"{plan["version"]}"'}),
    )
    assert r.status_code == 200, r.text
    short = await task_now(client, org, short["id"])
    request = await filed(client, org, short, kind="long", measures="分三年逐步清退")
    assert request["fields"] == ["kind", "measures"] and request["current_kind"] == "short"
    r = await act(client, office_of(token, place), request, "approve")
    assert r.status_code == 200, r.text
    changed = await task_now(client, org, short["id"])
    assert (changed["kind"], changed["measures"]) == ("long", "分三年逐步清退")


async def test_only_the_org_files_and_only_its_jurisdictions_office_decides(
    setup: tuple[Any, Place], token: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    other_org = inspected(token, place, "town_b")
    task = await immediate_task(client, org)
    body = {"due_on": LATER, "reason": REASON}
    # Another org does not see the task; the office and supervisors do not speak for the org.
    assert (await file(client, other_org, task, body)).status_code == 404
    for role in (Role.office, Role.discipline):
        tok = token(role, jurisdiction=place.jurisdiction)
        assert (await file(client, tok, task, body)).status_code == 403
    request = await filed(client, org, task, due_on=LATER)

    r = await client.get(f"{BASE}/change-requests/{request['id']}", headers=auth(other_org))
    assert r.status_code == 404
    r = await client.get(f"{BASE}/change-requests", headers=auth(other_org))
    assert r.json()["total"] == 0
    elsewhere = token(Role.office, jurisdiction=OTHER)
    assert (await act(client, elsewhere, request, "approve")).status_code == 404
    for tok in (org, token(Role.discipline, jurisdiction=place.jurisdiction)):
        assert (await act(client, tok, request, "approve")).status_code == 403
    assert (await act(client, other_org, request, "withdraw")).status_code == 404
    missing = {**request, "id": str(uuid.uuid4())}
    assert (await act(client, office_of(token, place), missing, "approve")).status_code == 404
    # A stale version is a 412; the request is still open.
    r = await act(client, office_of(token, place), {**request, "version": 7}, "approve")
    assert r.status_code == 412, r.text
    kept = await task_now(client, org, task["id"])
    assert kept["due_on"] == task["due_on"]


async def test_a_retried_filing_with_the_same_key_files_once(
    setup: tuple[Any, Place], token: Any, db: Any
) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    task = await immediate_task(client, org)
    body = {"due_on": LATER, "reason": REASON}
    key = {"Idempotency-Key": f"change-{uuid.uuid4()}"}
    first = await file(client, org, task, body, **key)
    again = await file(client, org, task, body, **key)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert await db.fetchval("SELECT count(*) FROM rectification.task_change_requests") == 1
    assert (await types_in_outbox(db)).count("task.change_requested.v1") == 1


async def test_the_ledger_exports_a_formula_as_text(setup: tuple[Any, Place], token: Any) -> None:
    client, place = setup
    org = inspected(token, place, "town_a")
    formula = '=HYPERLINK("http://example.invalid","点击")'
    await filed(client, org, await immediate_task(client, org), due_on=LATER, reason=formula)
    office = office_of(token, place)
    r = await client.get(
        f"{BASE}/change-requests.xlsx", params={"status": "open"}, headers=auth(office)
    )
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 2
    cell = next(c for c in sheet[2] if c.value == formula)
    assert cell.data_type == "s"

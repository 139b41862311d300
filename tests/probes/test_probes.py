"""Issue 20's probes, rerun as an attacker would, over real HTTP, on the embedded platform and
on the Kafka deployment (the ``target`` fixture): each is refused, and what it tried to
store is not stored. The records they need are made through the APIs (``tests.probes.world``).

The forged-address probe runs last on each target: it spends the public form's quota for
the client address every probe shares.
"""

from __future__ import annotations

import asyncio
import io
import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from xuncha_shared.bus.base import BusMessage
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.consumer import DeadLetter
from xuncha_shared.events.base import envelope
from xuncha_shared.settings import topic_for
from xuncha_shared.testing import contract_worker as cw
from xuncha_shared.testing.plugin import eventually

from tests.probes.targets import OTHER_J, PUBLIC_RATE_LIMIT, Target
from tests.probes.world import (
    INJECTED_HEADER,
    SECRETARY_MAIL,
    WAIT,
    World,
    bearer,
    call,
    version_of,
)

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(900)]


def assert_problem(r: Any, status: int, field: str, code: str | None = None) -> dict[str, Any]:
    """A refusal as problem+json naming the field, in Chinese and English."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    problem: dict[str, Any] = r.json()
    assert problem["field"] == field, problem
    assert problem["message_zh"] and problem["message_en"], problem
    if code is not None:
        assert problem["type"].endswith(f"/{code}"), problem
    return problem


async def submit(
    target: Target, world: World, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    """A public report, as anyone on the internet sends it (no token)."""
    return await target.client.post(
        f"/api/findings/public/rounds/{world.round_id}/reports", json=body, headers=headers or {}
    )


async def office_reports(target: Target, world: World) -> list[dict[str, Any]]:
    page = await call(
        target.client,
        "GET",
        "/api/findings/public-reports",
        target.token("office"),
        params={"round_id": world.round_id, "limit": 200},
        expect=200,
    )
    items: list[dict[str, Any]] = page["items"]
    return items


async def report_of(target: Target, world: World, content: str) -> dict[str, Any]:
    body = {"content": content, "org_id": world.department_id, "contact": "匿名"}
    r = await submit(target, world, body)
    assert r.status_code == 201, r.text
    (report,) = [x for x in await office_reports(target, world) if x["content"] == content]
    return report


# -- the public form ---------------------------------------------------------------------------
@pytest.mark.parametrize("char", ["\x00", "\x1b"], ids=["NUL", "ESC"])
async def test_control_characters_in_the_public_form_are_a_422_naming_the_field_never_logged(
    target: Target, world: World, char: str
) -> None:
    canary = f"探测{secrets.token_hex(6)}村会计挪用低保金"
    before = len(await office_reports(target, world))
    for field, body in (
        ("content", {"content": f"{canary}{char}请核实", "contact": "13800000000"}),
        ("contact", {"content": f"{canary}，请核实", "contact": f"138{char}{canary}"}),
    ):
        assert_problem(await submit(target, world, body), 422, field)
    assert len(await office_reports(target, world)) == before
    # Whatever the platform logged about the refusals, the citizen's words are not in it.
    await asyncio.sleep(0.5)
    assert canary not in target.logs()


async def test_a_formula_in_a_public_report_is_exported_as_text(
    target: Target, world: World
) -> None:
    formula = f'=HYPERLINK("http://127.0.0.1:9/{secrets.token_hex(4)}","点击查看详情")'
    await report_of(target, world, formula)
    r = await call(
        target.client,
        "GET",
        "/api/findings/public-reports.xlsx",
        target.token("office"),
        params={"round_id": world.round_id},
        expect=200,
    )
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cells, "the report's text is not in the export"
    assert all(c.data_type == "s" for c in cells), [(c.coordinate, c.data_type) for c in cells]


# -- webhooks and subscriptions --------------------------------------------------------------
async def test_an_inspected_orgs_webhook_and_an_office_webhook_to_loopback_are_refused(
    target: Target, world: World
) -> None:
    inspected = target.token("inspected", org_id=world.department_id)
    r = await target.client.post(
        "/api/notify/subscriptions",
        json={"url": "http://127.0.0.1:8000/api/accounts/accounts"},
        headers=bearer(inspected),
    )
    assert r.status_code == 403, r.text
    office = target.token("office")
    for url in ("http://127.0.0.1:8000/hook", "http://169.254.169.254/latest/meta-data/"):
        r = await target.client.post(
            "/api/notify/subscriptions",
            json={"url": url, "org_id": world.discipline_id},
            headers=bearer(office),
        )
        assert_problem(r, 422, "url", "webhook-target-refused")
    listed = await call(target.client, "GET", "/api/notify/subscriptions", office, expect=200)
    assert listed["items"] == []


async def test_an_office_of_another_jurisdiction_cannot_subscribe_to_this_ones_org(
    target: Target, world: World
) -> None:
    elsewhere = target.token("office", jurisdiction=OTHER_J)
    r = await target.client.post(
        "/api/notify/subscriptions",
        json={"url": "http://127.0.0.1:9/elsewhere", "org_id": world.department_id},
        headers=bearer(elsewhere),
    )
    assert_problem(r, 422, "org_id", "org-not-in-jurisdiction")
    listed = await call(target.client, "GET", "/api/notify/subscriptions", elsewhere, expect=200)
    assert listed["items"] == []


# -- clues -------------------------------------------------------------------------------------
async def test_a_clue_is_not_transferred_to_a_random_id_or_to_the_org_it_concerns(
    target: Target, world: World
) -> None:
    office, url = target.token("office"), f"/api/clues/clues/{world.reviewed_clue_id}"
    before = await call(target.client, "GET", url, office, expect=200)
    for body, code in (
        ({"recipient_org_id": str(uuid.uuid4())}, "unknown-recipient"),
        (
            {"recipient_org_id": world.department_id, "recipient_kind": "discipline"},
            "recipient-is-concerned-org",
        ),
    ):
        r = await target.client.post(
            f"{url}/transfer",
            json=body,
            headers={**bearer(office), **await version_of(target.client, url, office)},
        )
        assert_problem(r, 422, "recipient_org_id", code)
    after = await call(target.client, "GET", url, office, expect=200)
    assert (after["status"], after["recipient_org_id"]) == ("reviewed", None)
    assert after["version"] == before["version"]


async def test_clue_counts_per_org_are_not_for_the_inspected_orgs_leader(
    target: Target, world: World
) -> None:
    office = target.token("office")

    async def counted() -> bool:
        figures = await call(target.client, "GET", "/api/planning/figures", office, expect=200)
        return bool(figures["clues_transferred"])

    # The office's figures count the transferred clue: there is something to hide.
    await eventually(counted, timeout=WAIT, interval=0.5)
    leader = target.token("leader", subject="probe.county.leader")
    inspected = target.token("inspected", org_id=world.department_id)
    figures = await call(target.client, "GET", "/api/planning/figures", leader, expect=200)
    assert figures["clues_transferred"] is None and figures["cases_filed"] is None
    breakdown = await call(
        target.client,
        "GET",
        "/api/planning/figures/breakdown",
        leader,
        params={"by": "round"},
        expect=200,
    )
    assert all(row["clues_transferred"] is None for row in breakdown["rows"]), breakdown
    for token in (leader, inspected):
        r = await target.client.get(
            "/api/planning/figures/clues_transferred/records", headers=bearer(token)
        )
        assert r.status_code == 403, r.text
        r = await target.client.get(
            "/api/clues/figures", params={"group_by": "round"}, headers=bearer(token)
        )
        assert r.status_code == 403, r.text


# -- the inspected org's own task --------------------------------------------------------------
async def test_an_inspected_org_cannot_change_its_immediate_tasks_kind_or_due_date(
    target: Target, world: World
) -> None:
    org = target.token("inspected", org_id=world.department_id)
    url = f"/api/rectification/tasks/{world.task_id}"
    before = await call(target.client, "GET", url, org, expect=200)
    assert before["kind"] == "immediate"
    later = (world.today + timedelta(days=60)).isoformat()
    for body, field in (
        ({"kind": "short", "due_on": later}, "kind"),
        ({"due_on": later}, "due_on"),
    ):
        r = await target.client.patch(
            url, json=body, headers={**bearer(org), **await version_of(target.client, url, org)}
        )
        assert_problem(r, 403, field, "decided-by-office")
    # Nor inside a batch filling in its plan's tasks at once.
    item = {"task_id": world.task_id, "version": before["version"], "kind": "short"}
    r = await target.client.patch(
        f"/api/rectification/plans/{before['plan_id']}/tasks",
        json={"tasks": [item | {"due_on": later}]},
        headers=bearer(org),
    )
    assert_problem(r, 403, "tasks.0.kind", "decided-by-office")
    after = await call(target.client, "GET", url, org, expect=200)
    assert (after["kind"], after["due_on"], after["version"]) == (
        "immediate",
        before["due_on"],
        before["version"],
    )


# -- triage ------------------------------------------------------------------------------------
async def test_triage_as_a_clue_needs_a_clue_proposed_from_the_report(
    target: Target, world: World
) -> None:
    content = f"反映县农业农村局{secrets.token_hex(4)}项目验收收受好处费"
    report = await report_of(target, world, content)
    group = target.token("group", subject="probe.group.leader")
    r = await target.client.post(
        f"/api/findings/public-reports/{report['id']}/triage",
        json={"outcome": "clue", "clue_id": str(uuid.uuid4())},
        headers=bearer(group),
    )
    assert_problem(r, 409, "clue_id", "clue-not-heard-yet")
    (kept,) = [x for x in await office_reports(target, world) if x["id"] == report["id"]]
    assert (kept["content"], kept["status"]) == (content, report["status"])


async def test_a_report_is_never_forwarded_to_the_org_it_accuses(
    target: Target, world: World
) -> None:
    content = f"反映县农业农村局{secrets.token_hex(4)}办公用房超标"
    report = await report_of(target, world, content)
    r = await target.client.post(
        f"/api/findings/public-reports/{report['id']}/triage",
        json={"outcome": "forwarded", "forwarded_to_org_id": world.department_id},
        headers=bearer(target.token("office")),
    )
    assert_problem(r, 422, "forwarded_to_org_id", "forward-to-accused")
    (kept,) = [x for x in await office_reports(target, world) if x["id"] == report["id"]]
    assert kept["status"] == report["status"]
    assert kept.get("forwarded_to_org_id") is None


# -- a line break in an org name ---------------------------------------------------------------
async def test_a_line_break_in_an_org_name_injects_no_mail_header(
    target: Target, world: World
) -> None:
    """The department's name ends with CR/LF and a Bcc header: its mails (the immediate
    problem handed over, the feedback naming it in the subject) still go out, to its
    secretary only, with the name on the subject's one line."""

    def mails() -> list[Any]:
        return [m for m in target.mailbox.messages if SECRETARY_MAIL in m["X-Rcpt-To"]]

    def feedback_mail() -> list[Any]:
        return [m for m in mails() if "县农业农村局" in str(m["Subject"])]

    await eventually(feedback_mail, timeout=WAIT, interval=0.5)
    for mail in mails():
        assert mail["Bcc"] is None, str(mail)
        assert mail["X-Rcpt-To"] == SECRETARY_MAIL
        subject = str(mail["Subject"])
        assert "\n" not in subject and "\r" not in subject, subject
    (mail,) = feedback_mail()
    assert f"县农业农村局 {INJECTED_HEADER}" in str(mail["Subject"])
    injected = INJECTED_HEADER.removeprefix("Bcc: ")
    assert all(injected not in m["X-Rcpt-To"] for m in target.mailbox.messages)


# -- the Kafka topics --------------------------------------------------------------------------
async def test_a_forged_event_on_the_wrong_topic_is_dead_lettered(
    target: Target, world: World
) -> None:
    """Planning's ``org.registered``, written to findings' topic by someone who may write
    there: every consumer of findings' topic dead-letters it with the reason, none applies
    it."""
    if target.kafka is None:
        pytest.skip("the embedded platform has no Kafka topics (its bus is PostgreSQL's)")
    kafka = target.kafka
    bus = KafkaBus(kafka.broker.bootstrap_servers, credentials=kafka.broker.operator_credentials)
    await bus.start()
    try:
        org = uuid.uuid4()
        forged = envelope(cw.snapshot(org, 1), time=datetime.now(UTC))
        findings_topic = topic_for(kafka.topic_prefix, "findings")
        await bus.publish(
            [BusMessage(topic=findings_topic, key=str(org), value=forged.to_json_bytes())]
        )
        consumers = ("clues", "rectification", "notify")
        dlq = [f"{kafka.topic_prefix}.dlq.{name}" for name in consumers]
        await bus.ensure_topics(dlq)
        sub = bus.subscribe(group=f"probe-{secrets.token_hex(4)}", topics=dlq)
        await sub.start()
        letters: list[DeadLetter] = []
        try:

            async def dead_lettered() -> bool:
                deliveries = await sub.fetch(max_records=50, timeout=0.5)
                letters.extend(DeadLetter.from_message(d.message) for d in deliveries)
                ours = {x.consumer for x in letters if json.loads(x.value)["id"] == str(forged.id)}
                return len(ours) == len(consumers)

            await eventually(dead_lettered, timeout=WAIT, interval=0.1)
        finally:
            await sub.stop()
    finally:
        await bus.stop()
    ours = [x for x in letters if json.loads(x.value)["id"] == str(forged.id)]
    assert {x.original_topic for x in ours} == {findings_topic}
    assert all(x.error.startswith("ForgedEvent: ") for x in ours), [x.error for x in ours]
    office = target.token("office")
    for name in consumers:
        r = await target.client.get(f"/api/{name}/orgs/{org}", headers=bearer(office))
        assert r.status_code == 404, (name, r.text)


# -- last: the forged client address -----------------------------------------------------------
async def test_a_forged_x_forwarded_for_does_not_bypass_the_public_forms_rate_limit(
    target: Target, world: World
) -> None:
    canary = f"探测{secrets.token_hex(4)}反映村务不公开"
    codes = []
    for i in range(PUBLIC_RATE_LIMIT + 1):
        forged = {"X-Forwarded-For": f"203.0.113.{i + 1}"}
        r = await submit(target, world, {"content": f"{canary}{i}"}, forged)
        codes.append(r.status_code)
    assert set(codes) <= {201, 429}, codes
    assert 429 in codes, codes
    accepted = codes.count(201)
    assert accepted <= PUBLIC_RATE_LIMIT
    stored = [x for x in await office_reports(target, world) if x["content"].startswith(canary)]
    assert len(stored) == accepted

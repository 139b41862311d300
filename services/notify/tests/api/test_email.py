"""E-mail against a real SMTP server (aiosmtpd on 127.0.0.1): one mail per item to the people
of the audience, Chinese subject and body in UTF-8; a daily digest instead for those who chose
it, sent once at the digest time."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from xuncha_shared.app import run_periodic_once
from xuncha_shared.auth import Role
from xuncha_shared.events.rectification import CardRaised, RectificationOverdue
from xuncha_shared.testing.contracts import sample_event

from services.notify.tests.api.factories import BASE, J, apply, auth, cloud

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients += envelope.rcpt_tos
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


async def person(notify: Any, office: str, account: str, **body: Any) -> dict[str, Any]:
    r = await notify.post(
        f"{BASE}/directory/people",
        json={"account": account, "display_name": account, **body},
        headers=auth(office),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_mail_per_item_and_a_daily_digest(
    platform: Any, token: Any, clock: Any, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))
    running = await platform(
        "notify",
        scheduler_enabled=False,
        consumers_enabled=False,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="xuncha@example.org",
        digest_time="18:00",
    )
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    office = token(Role.office, jurisdiction=J)
    town = uuid.uuid4()
    await person(notify, office, "town-sec", roles=["inspected"], org_id=str(town),
                 email="town@example.org")  # fmt: skip
    await person(notify, office, "office-a", roles=["office"], email="office@example.org")
    await person(notify, office, "lead-b", roles=["leadership"], email="lead@example.org",
                 daily_digest=True)  # fmt: skip
    await person(notify, office, "owner-c", roles=["leader"], email="owner@example.org")
    await person(notify, office, "nobody", roles=["group"], email="nobody@example.org")

    card = cloud(sample_event(CardRaised, jurisdiction=J, org_id=town, color="red",
                              reason_zh="整改严重滞后"), at=clock.now())  # fmt: skip
    late = cloud(sample_event(RectificationOverdue, jurisdiction=J, org_id=town, what="task",
                              owner_accounts=["owner-c"]), at=clock.now())  # fmt: skip
    for ce in (card, late, card, late):
        await apply(runtime, ce)
    await run_periodic_once(runtime)
    await run_periodic_once(runtime)

    (town_card, town_late) = sorted(box.to("town@example.org"), key=lambda m: str(m["Subject"]))
    assert "红牌预警" in str(town_card["Subject"]) + str(town_late["Subject"])
    assert len(box.to("office@example.org")) == 2
    (mail,) = box.to("owner@example.org")
    assert str(mail["Subject"]).startswith("【巡察通知】整改任务已逾期")
    body = mail.get_content()
    assert "到期未完成" in body and "/api/rectification/plans/" in body
    assert box.to("nobody@example.org") == [] and box.to("lead@example.org") == []

    # The digest: once, at 18:00 Beijing time, with the day's items for the leadership.
    clock.set(datetime(2026, 3, 2, 17, 59, tzinfo=SHANGHAI))
    await run_periodic_once(runtime)
    assert box.to("lead@example.org") == []
    clock.set(datetime(2026, 3, 2, 18, 0, 1, tzinfo=SHANGHAI))
    await run_periodic_once(runtime)
    clock.advance(timedelta(hours=3))
    await run_periodic_once(runtime)
    (digest,) = box.to("lead@example.org")
    assert "每日汇总（2026-03-02）：1 条通知" in str(digest["Subject"])
    assert "红牌预警" in digest.get_content()

    # A person edits their own contact (not their roles); the office sees the change.
    r = await notify.get(
        f"{BASE}/directory/me", headers=auth(token(Role.leader, subject="owner-c"))
    )
    assert r.status_code == 200
    me = token(Role.leader, subject="owner-c", jurisdiction=J)
    r = await notify.patch(f"{BASE}/directory/me", json={"roles": ["office"]},
                           headers=auth(me, **{"If-Match": r.headers["ETag"]}))  # fmt: skip
    assert r.status_code == 422
    r = await notify.patch(f"{BASE}/directory/me", json={"daily_digest": True,
                           "email": "wang@example.org"},
                           headers=auth(me, **{"If-Match": '"1"'}))  # fmt: skip
    assert r.status_code == 200 and r.json()["daily_digest"] is True
    r = await notify.get(f"{BASE}/directory/people/owner-c", headers=auth(office))
    assert r.json()["email"] == "wang@example.org"
    r = await notify.patch(f"{BASE}/directory/people/town-sec", json={"email": "x@example.org"},
                           headers=auth(me, **{"If-Match": '"1"'}))  # fmt: skip
    assert r.status_code == 403


async def test_an_unreachable_smtp_server_is_retried_later(
    platform: Any, token: Any, clock: Any, db: Any
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    running = await platform(
        "notify",
        scheduler_enabled=False,
        consumers_enabled=False,
        smtp_host="127.0.0.1",
        smtp_port=closed_port,
        smtp_timeout_seconds=2,
    )
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    office = token(Role.office, jurisdiction=J)
    await person(notify, office, "office-a", roles=["office"], email="office@example.org")
    await apply(runtime, cloud(sample_event(CardRaised, jurisdiction=J), at=clock.now()))
    await run_periodic_once(runtime)
    row = await db.fetchrow("SELECT * FROM notify.deliveries")
    assert row["status"] == "pending" and row["attempts"] == 1
    assert row["next_attempt_at"] >= clock.now() and row["last_error"]
    attempt = await db.fetchrow("SELECT * FROM notify.delivery_attempts")
    assert attempt["ok"] is False and len(attempt["error"]) <= 500


async def test_a_line_break_in_an_org_name_stops_no_mail(
    platform: Any, token: Any, clock: Any, db: Any, smtp: tuple[Mailbox, int]
) -> None:
    """An org name that ends the subject header and starts a Bcc of its own is sent on one
    line, to its one recipient; the mails of the other orgs go out in the same run."""
    box, port = smtp
    running = await platform(
        "notify", scheduler_enabled=False, consumers_enabled=False, smtp_host="127.0.0.1",
        smtp_port=port, smtp_from="xuncha@example.org",
    )  # fmt: skip
    notify, runtime = running.client("notify"), running.apps["notify"].state.runtime
    office = token(Role.office, jurisdiction=J)
    bad, good = uuid.uuid4(), uuid.uuid4()
    for org, name in ((bad, "城关镇\r\nBcc: x@example.org"), (good, "北冷乡")):
        await db.execute(
            "INSERT INTO notify.orgs (id, jurisdiction, code, name, kind, active, version,"
            " updated_at) VALUES ($1, $2, $3, $4, 'township', true, 1, now())",
            org, J, str(org)[:8], name,
        )  # fmt: skip
        await person(notify, office, f"sec-{str(org)[:8]}", roles=["inspected"],
                     org_id=str(org), email=f"{str(org)[:8]}@example.org")  # fmt: skip
        await apply(runtime, cloud(sample_event(CardRaised, jurisdiction=J, org_id=org,
                                                color="yellow"), at=clock.now()))  # fmt: skip
    await run_periodic_once(runtime)

    assert sorted(box.recipients) == sorted(f"{str(o)[:8]}@example.org" for o in (bad, good))
    (mail,) = box.to(f"{str(bad)[:8]}@example.org")
    assert mail["Bcc"] is None
    assert "城关镇 Bcc: x@example.org" in str(mail["Subject"])
    assert len(box.to(f"{str(good)[:8]}@example.org")) == 1
    statuses = await db.fetch("SELECT status FROM notify.deliveries")
    assert [r["status"] for r in statuses] == ["delivered", "delivered"]

"""Notify: a petitions clerk with e-mail and a department's webhook set up first; at the end,
every inbox, webhook delivery and mail the round caused, exactly."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage

from xuncha_shared.auth import Role
from xuncha_shared.testing.plugin import eventually
from xuncha_shared.workdays import WorkdayCalendar

from tests.e2e.receivers import Delivery, Mailbox, WebhookReceiver, signature_ok
from tests.e2e.scenario import WAIT, Cast, Scenario
from tests.e2e.stages.on_site import FINDINGS_PLAN, slot
from tests.e2e.stages.registry_and_round import Round

PETITIONS_CLERK = ("xfj.zhou", "周信访", "xfj.zhou@wenxian.example.gov.cn")


async def notify_setup(s: Scenario, cast: Cast, hooks: WebhookReceiver) -> str:
    """The office registers a clerk of the petitions bureau with an e-mail address, and the
    discipline commission's webhook endpoint; returns the signing secret."""
    account, name, email = PETITIONS_CLERK
    await s.until(
        "POST",
        "/api/notify/directory/people",
        s.office,
        expect=201,
        json={
            "account": account,
            "display_name": name,
            "roles": ["department"],
            "org_id": s.org(cast.petitions),
            "email": email,
        },
    )
    sub = await s.until(
        "POST",
        "/api/notify/subscriptions",
        s.office,
        expect=201,
        json={
            "org_id": s.org(cast.discipline),
            "url": hooks.url,
            "description": "县纪委监委信访举报与线索管理系统",
        },
    )
    secret: str = sub["secret"]
    assert secret.startswith("whsec_")
    return secret


T_FEEDBACK = "xuncha.findings.feedback.issued.v1"
T_HANDED = "xuncha.findings.problem.handed_over.v1"
T_FORWARDED = "xuncha.findings.public_report.triaged.v1"
T_CONSULT = "xuncha.planning.consultation.requested.v1"
T_REPORT = "xuncha.findings.report.submitted.v1"
T_CLUE_TRANSFERRED = "xuncha.clues.clue.transferred.v1"
T_CLUE_ACCEPTED = "xuncha.clues.clue.accepted.v1"
T_CLUE_CONCLUDED = "xuncha.clues.clue.concluded.v1"
T_PLAN = "xuncha.rectification.plan.opened.v1"
T_CLAIMED = "xuncha.rectification.task.done_claimed.v1"
T_CARD = "xuncha.rectification.card.raised.v1"
T_DUE_SOON = "xuncha.rectification.deadline.due_soon.v1"
INBOX = "/api/notify/inbox"
T_RED = "xuncha.rectification.card.escalated.v1"
T_OVERDUE = "xuncha.rectification.deadline.overdue.v1"
T_REPLY_OVERDUE = "xuncha.findings.public_report.reply_overdue.v1"


def report_notices(s: Scenario) -> Counter[str]:
    """What the rectification report's deadline called for on the days the clocks were
    moved to, by the rules' defaults: no org sent its report, which is due five working
    days after the one-month concentrated period; warned three working days before, overdue
    the day after, each once."""
    workdays, feedback = WorkdayCalendar(), s.county.today
    month = (feedback.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    due = workdays.add_workdays(month.replace(day=min(feedback.day, last.day)), 5).due
    notices: Counter[str] = Counter()
    for day in s.clock_days:
        if day > due:
            notices[T_OVERDUE] = 1
        elif workdays.workdays_between(day, due) <= 3 and not notices:
            notices[T_DUE_SOON] = 1
    return notices


async def notifications(
    s: Scenario,
    cast: Cast,
    rnd: Round,
    mailbox: Mailbox,
    hooks: WebhookReceiver,
    secret: str,
) -> None:
    """Each department's inbox has what it should and nothing else; the discipline
    commission's system got signed webhooks; the petitions clerk got his e-mail."""
    inspected = len(cast.inspected)
    report = report_notices(s)
    print("rectification report notices per org:", dict(report))
    claims = 11  # 9 tasks claimed once, two of them twice
    jw_org = s.org(cast.discipline)
    readers: dict[str, tuple[str, dict[str, int] | None]] = {
        "discipline": (
            s.token(Role.discipline, org_id=jw_org, subject="jw.inbox"),
            {
                T_CONSULT: 1,
                T_FEEDBACK: inspected,  # copied
                T_CLUE_TRANSFERRED: 2,
                T_REPORT: inspected + 1,  # one report was returned and submitted again
                T_CLAIMED: claims,
            },
        ),
        "organization": (
            s.token(Role.organization, org_id=s.org(cast.organization), subject="zzb.inbox"),
            {T_FEEDBACK: inspected, T_CLAIMED: claims},
        ),
        "petitions": (
            s.token(Role.department, org_id=s.org(cast.petitions), subject="xfj.inbox"),
            # Forwarded, and chased once the clocks pass its reply deadline unanswered.
            {T_FORWARDED: 1, T_REPLY_OVERDUE: 1},
        ),
        "keeper": (  # the clue keeper (account audience) is office staff (role audience)
            s.token(Role.office, subject="office.keeper"),
            {
                T_CLUE_TRANSFERRED: 2,
                T_CLUE_ACCEPTED: 2,
                T_CLUE_CONCLUDED: 2,
                T_CARD: 1,  # yellow
                T_RED: 1,  # the same card, red
                T_OVERDUE: 1 + inspected * report[T_OVERDUE],  # the late task (and reports)
                T_REPLY_OVERDUE: 1,  # the forwarded public report, never answered
                "xuncha.rectification.org.rated.v1": 1,  # rated poor
                "xuncha.rectification.revisit.recommended.v1": 1,
            },
        ),
    }
    for code in cast.inspected:
        immediate = sum(1 for f in FINDINGS_PLAN[slot(cast, code)] if f[0])
        # A plan is announced once, at feedback, even when hand-overs opened it earlier.
        want = Counter({T_FEEDBACK: 1, T_PLAN: 1}) + report
        if immediate:
            want[T_HANDED] = immediate
        if code == cast.departments[0]:
            want += Counter({T_OVERDUE: 1, T_CARD: 1, T_RED: 1})
        readers[code] = (s.inspected(code), dict(want))

    async def inbox(tok: str) -> Counter[str]:
        return Counter(i["event_type"] for i in await s.items(INBOX, tok))

    for who, (tok, expected) in readers.items():
        if expected is None:
            print(who, "inbox:", dict(await inbox(tok)))
            continue

        async def arrived(tok: str = tok, want: dict[str, int] = expected) -> bool:
            return dict(await inbox(tok)) == want

        try:
            await eventually(arrived, timeout=WAIT, interval=0.5)
        except AssertionError:
            titles = [(i["event_type"], i.get("title")) for i in await s.items(INBOX, tok)]
            raise AssertionError(f"{who}: inbox {titles} != {expected}") from None
    s.lap("inboxes")

    # The commission's system: one signed delivery per org-addressed notification.
    want_hooks = {T_CONSULT: 1, T_FEEDBACK: inspected, T_CLUE_TRANSFERRED: 2}

    # A send that succeeded just before a crash may come again with the same webhook-id:
    # the receiver dedupes on it, as the notify README asks.
    def unique() -> dict[str, Delivery]:
        return {d.headers["webhook-id"]: d for d in hooks.received}

    async def hooked() -> bool:
        got = Counter(d.payload["event_type"] for d in unique().values())
        return dict(got) == want_hooks

    try:
        await eventually(hooked, timeout=WAIT, interval=0.5)
    except AssertionError:
        got = Counter(d.payload["event_type"] for d in unique().values())
        raise AssertionError(f"webhooks {dict(got)} != {want_hooks}") from None
    assert all(signature_ok(secret, d) for d in hooks.received)
    for d in hooks.received:  # a repeat is the same notification
        assert (
            d.payload["notification_id"]
            == unique()[d.headers["webhook-id"]].payload["notification_id"]
        )
    if len(hooks.received) != len(unique()):
        print(f"webhooks: {len(hooks.received) - len(unique())} repeated sends (deduped)")
    assert {d.payload["org_id"] for d in hooks.received} == {jw_org}
    # Clue events carry no clue details: neither the person nor the allegation.
    for d in hooks.received:
        text = d.body.decode()
        assert "李某" not in text and "收受好处费" not in text, text

    # The petitions clerk's e-mails: the forwarded public report, then its chase once the
    # reply deadline passed, each once.
    email = PETITIONS_CLERK[2]

    def unique_mails() -> list[EmailMessage]:
        return list({m["X-Xuncha-Delivery-Id"]: m for m in mailbox.messages}.values())

    async def mailed() -> bool:
        return len(unique_mails()) >= 2

    await eventually(mailed, timeout=WAIT, interval=0.5)
    await asyncio.sleep(1.0)  # nothing else is on its way
    mails = unique_mails()  # deduped, as for hooks
    assert [m["X-Rcpt-To"] for m in mails] == [email, email], [
        (m["To"], m["Subject"]) for m in mailbox.messages
    ]
    assert "逾期" not in str(mails[0]["Subject"]) and "逾期" in str(mails[1]["Subject"]), [
        str(m["Subject"]) for m in mails
    ]
    s.lap("webhooks_and_mail")

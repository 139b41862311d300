"""Public reports (群众来信来电来访): announcement, intake with a receipt code, status by
receipt, triage by the group, forwarding with a reply deadline. Flush, never commit.

A report a clue is proposed from keeps no content here: the group proposes the clue to the
clues service (which holds the person named and the allegation) and findings erases its copy
when it hears of the clue. That rule and the others protecting the reporter are in
:mod:`findings.public_reports.protection`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import ProjectedRound
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.findings import (
    PublicReportChannel,
    PublicReportReceived,
    TriageOutcome,
)
from xuncha_shared.events.planning import RoundStatus
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import (
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
)
from xuncha_shared.workdays import local_day

from findings.access.policy import round_or_404, round_stage_problem, sees_clue_links
from findings.problems import repository as problem_repository
from findings.public_reports import repository
from findings.public_reports.models import Announcement, PublicReport
from findings.public_reports.protection import contact_readers
from findings.public_reports.schemas import (
    AnnouncedGroup,
    AnnouncedOrg,
    AnnouncementRead,
    AnnouncementWrite,
    PublicReportRead,
    PublicStatus,
    ReplyWrite,
    StaffEntry,
)

# Citizens' reports are received while the group is on site.
ON_SITE = frozenset({RoundStatus.on_site})


def new_receipt_code() -> str:
    """100 random bits as 20 base32 characters in groups of four (unguessable)."""
    raw = base64.b32encode(secrets.token_bytes(13)).decode()[:20]
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def receipt_hash(code: str) -> str:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def public_status(r: PublicReport) -> PublicStatus:
    if r.outcome is None:
        return PublicStatus.received
    if r.outcome == TriageOutcome.no_action.value or r.replied_at is not None:
        return PublicStatus.closed
    return PublicStatus.handling


async def staff_of_round(
    session: AsyncSession, principal: Principal, round_: ProjectedRound
) -> None:
    """403 unless the office of the round's jurisdiction or a member of one of its groups."""
    if principal.has(Role.office) and principal.jurisdiction == round_.jurisdiction:
        return
    if principal.has(Role.group) and await repository.is_round_member(
        session, principal.subject, round_.id
    ):
        return
    raise Forbidden(
        "只有巡察办或本轮巡察组成员可以办理", "Only the office or this round's groups may do this"
    )


async def _announced_groups(session: AsyncSession, round_id: uuid.UUID) -> list[AnnouncedGroup]:
    """The round's groups by name, each with the orgs it inspects (active assignments)."""
    groups = await repository.round_groups(session, round_id)
    rows = await repository.round_orgs(session, round_id)
    orgs: dict[uuid.UUID, list[AnnouncedOrg]] = {}
    for group_id, org_id, name in rows:
        orgs.setdefault(group_id, []).append(AnnouncedOrg(id=org_id, name=name))
    return [AnnouncedGroup(name=name, orgs=orgs.get(gid, [])) for gid, name in groups]


async def announcement_read(
    session: AsyncSession, round_: ProjectedRound, a: Announcement
) -> AnnouncementRead:
    return AnnouncementRead(
        round_id=round_.id,
        round_name=round_.name,
        text=a.text,
        phone=a.phone,
        mailbox=a.mailbox,
        address=a.address,
        online_url=a.online_url,
        on_site_from=round_.on_site_from,
        on_site_until=round_.on_site_until,
        accepting=round_.status is RoundStatus.on_site,
        groups=await _announced_groups(session, round_.id),
        version=a.version,
    )


async def put_announcement(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    data: AnnouncementWrite,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[AnnouncementRead, bool]:
    """Publish or change a round's announcement (巡察公告); answers it and whether it was
    published just now. Publishing sends no If-Match; a change must (428 without it), and a
    change made meanwhile is a 412, as is an If-Match for an announcement not yet published."""
    round_ = await round_or_404(session, round_id, "round_id")
    await staff_of_round(session, actor, round_)
    a = await repository.announcement(session, round_id, for_update=True)
    created = a is None
    if a is None:
        if expected_version is not None:
            raise PreconditionFailed(
                "本轮尚未发布巡察公告，发布时不带 If-Match",
                "No announcement yet; send no If-Match to publish it",
                field="If-Match",
            )
        a = Announcement(
            round_id=round_id,
            jurisdiction=round_.jurisdiction,
            updated_by=actor.subject,
            updated_at=now,
            **data.model_dump(),
        )
        session.add(a)
    else:
        if expected_version is None:
            raise PreconditionRequired(
                "本轮巡察公告已发布，修改须带 If-Match 请求头（上次读取的 ETag）",
                "The announcement is published; changing it needs If-Match with the ETag you read",
                field="If-Match",
            )
        check_version(a.version, expected_version)
        for k, v in data.model_dump().items():
            setattr(a, k, v)
        a.version += 1
        a.updated_by, a.updated_at = actor.subject, now
    await session.flush()
    return await announcement_read(session, round_, a), created


async def get_announcement(session: AsyncSession, round_id: uuid.UUID) -> AnnouncementRead:
    round_ = await round_or_404(session, round_id, "round_id")
    a = await repository.announcement(session, round_id)
    if a is None:
        raise NotFound("本轮尚未发布巡察公告", "No announcement for this round", field="round_id")
    return await announcement_read(session, round_, a)


async def _check_org(session: AsyncSession, round_id: uuid.UUID, org_id: uuid.UUID | None) -> None:
    if org_id is None:
        return
    if not await repository.inspected_in_round(session, round_id, org_id):
        raise Unprocessable(
            "该单位不在本轮巡察范围内", "That org is not inspected in this round", field="org_id"
        )


async def receive(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    channel: PublicReportChannel,
    content: str,
    org_id: uuid.UUID | None,
    contact: str | None,
    entered_by: str | None,
    now: datetime,
) -> tuple[PublicReport, str]:
    """Receive a report while the round is on site (409 otherwise); returns the report and
    its receipt code (shown once; only its hash is kept)."""
    round_ = await round_or_404(session, round_id, "round_id")
    if round_.status is not RoundStatus.on_site:
        raise round_stage_problem(round_.status, ON_SITE, field="round_id")
    await _check_org(session, round_id, org_id)
    code = new_receipt_code()
    report = PublicReport(
        jurisdiction=round_.jurisdiction,
        round_id=round_id,
        org_id=org_id,
        channel=channel.value,
        content=content,
        contact=contact,
        receipt_hash=receipt_hash(code),
        status=PublicStatus.received.value,
        entered_by=entered_by,
        received_at=now,
    )
    session.add(report)
    await session.flush()
    await emit(
        session,
        PublicReportReceived(
            jurisdiction=report.jurisdiction,
            report_id=report.id,
            round_id=round_id,
            org_id=org_id,
            channel=channel,
            received_at=now,
        ),
    )
    return report, code


async def enter(
    session: AsyncSession, *, data: StaffEntry, actor: Principal, now: datetime
) -> tuple[PublicReport, str]:
    """A report received by letter, phone or visit, entered by the office or a group."""
    round_ = await round_or_404(session, data.round_id, "round_id")
    await staff_of_round(session, actor, round_)
    return await receive(
        session,
        round_id=data.round_id,
        channel=data.channel,
        content=data.content,
        org_id=data.org_id,
        contact=data.contact,
        entered_by=actor.subject,
        now=now,
    )


async def status_by_receipt(session: AsyncSession, code: str) -> PublicStatus:
    """The status only; an unknown code is a 404 (nothing else is revealed)."""
    found = await repository.by_receipt_hash(session, receipt_hash(code))
    if found is None:
        raise NotFound("查询码无效", "Unknown receipt code", field="receipt_code")
    return public_status(found)


async def get_report(
    session: AsyncSession, *, report_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> PublicReport:
    found = await repository.visible_report(
        session, report_id, repository.visibility(actor), for_update=for_update
    )
    if found is None:
        raise NotFound("信访举报不存在", "No such public report", field="report_id")
    return found


async def reads(
    session: AsyncSession, reports: list[PublicReport], *, now: datetime, viewer: Principal
) -> list[PublicReportRead]:
    ids = [r.id for r in reports] if sees_clue_links(viewer) else []
    clues = await problem_repository.clue_refs(session, report_ids=ids)
    sees_contact = await contact_readers(session, viewer)
    today = local_day(now)
    return [
        PublicReportRead(
            id=r.id,
            jurisdiction=r.jurisdiction,
            round_id=r.round_id,
            org_id=r.org_id,
            channel=PublicReportChannel(r.channel),
            content=r.content,
            contact=r.contact if sees_contact(r) else None,
            status=public_status(r),
            outcome=TriageOutcome(r.outcome) if r.outcome else None,
            problem_id=r.problem_id,
            clue_id=r.clue_id if ids else None,
            clues=[{"clue_id": str(c), "status": s} for c, s in clues.get(r.id, [])],
            forwarded_to_org_id=r.forwarded_to_org_id,
            reply_due_on=r.reply_due_on,
            reply_text=r.reply_text,
            replied_at=r.replied_at,
            reply_overdue=r.reply_due_on is not None
            and r.replied_at is None
            and today > r.reply_due_on,
            no_action_reason=r.no_action_reason,
            redacted=r.redacted,
            received_at=r.received_at,
            triaged_by=r.triaged_by,
            triaged_at=r.triaged_at,
            version=r.version,
        )
        for r in reports
    ]


async def reply(
    session: AsyncSession,
    *,
    report: PublicReport,
    data: ReplyWrite,
    actor: Principal,
    now: datetime,
) -> PublicReport:
    """The department records its reply to a forwarded report (once)."""
    org = actor.org_uuid
    if report.forwarded_to_org_id is None or not (
        (org is not None and org == report.forwarded_to_org_id) or actor.has(Role.office)
    ):
        raise Forbidden("只有承办部门可以回复", "Only the department it was forwarded to may reply")
    if report.replied_at is not None:
        raise Conflict("已回复", "Already replied", code="already-replied")
    report.reply_text, report.replied_at = data.text, now
    report.status = public_status(report).value
    report.version += 1
    await session.flush()
    return report

"""Public reports (群众来信来电来访): announcement, intake with a receipt code, status by
receipt, triage by the group, forwarding with a reply deadline. Flush, never commit.

A report triaged as a clue keeps no content here: the group proposes the clue to the clues
service (which holds the person named and the allegation) and findings erases its copy.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.assignments import ProjectedRound
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.calendar import load_calendar
from xuncha_shared.events.findings import (
    PublicReportChannel,
    PublicReportReceived,
    PublicReportTriaged,
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
from findings.models import ASSIGNMENTS, CALENDAR, ORGS
from findings.problems import repository as problem_repository
from findings.problems import service as problems
from findings.problems.schemas import ProblemFields
from findings.public_reports.models import Announcement, PublicReport
from findings.public_reports.schemas import (
    AnnouncedGroup,
    AnnouncedOrg,
    AnnouncementRead,
    AnnouncementWrite,
    PublicReportRead,
    PublicStatus,
    ReplyWrite,
    StaffEntry,
    TriageWrite,
)
from findings.settings import effective as jurisdiction_settings

READERS = frozenset({Role.office, Role.leadership, Role.discipline})

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


def visibility(principal: Principal) -> ColumnElement[bool]:
    """The reports ``principal`` may read: oversight of the jurisdiction, members of a
    group of the round, the department a report was forwarded to."""
    parts: list[ColumnElement[bool]] = []
    if principal.has(*READERS):
        parts.append(col(PublicReport.jurisdiction) == principal.jurisdiction)
    if principal.has(Role.group):
        g, m = ASSIGNMENTS.groups, ASSIGNMENTS.members
        parts.append(
            col(PublicReport.round_id).in_(
                select(g.c.round_id)
                .join(m, m.c.group_id == g.c.id)
                .where(m.c.account == principal.subject)
            )
        )
    org = principal.org_uuid
    if principal.has(Role.department, Role.discipline, Role.organization) and org is not None:
        parts.append(col(PublicReport.forwarded_to_org_id) == org)
    return or_(*parts) if parts else false()


async def member_of_round(session: AsyncSession, principal: Principal, round_id: uuid.UUID) -> bool:
    g, m = ASSIGNMENTS.groups, ASSIGNMENTS.members
    found = await session.scalar(
        select(g.c.id)
        .join(m, m.c.group_id == g.c.id)
        .where(g.c.round_id == round_id, m.c.account == principal.subject)
        .limit(1)
    )
    return principal.has(Role.group) and found is not None


async def _staff_of_round(
    session: AsyncSession, principal: Principal, round_: ProjectedRound
) -> None:
    """403 unless the office of the round's jurisdiction or a member of one of its groups."""
    if principal.has(Role.office) and principal.jurisdiction == round_.jurisdiction:
        return
    if await member_of_round(session, principal, round_.id):
        return
    raise Forbidden(
        "只有巡察办或本轮巡察组成员可以办理", "Only the office or this round's groups may do this"
    )


async def _announced_groups(session: AsyncSession, round_id: uuid.UUID) -> list[AnnouncedGroup]:
    """The round's groups by name, each with the orgs it inspects (active assignments)."""
    g, a = ASSIGNMENTS.groups, ASSIGNMENTS.assignments
    groups = (
        await session.execute(
            select(g.c.id, g.c.name).where(g.c.round_id == round_id).order_by(g.c.name, g.c.id)
        )
    ).all()
    rows = (
        await session.execute(
            select(a.c.group_id, ORGS.c.id, ORGS.c.name)
            .join(ORGS, ORGS.c.id == a.c.org_id)
            .where(a.c.round_id == round_id, a.c.active.is_(True))
            .order_by(ORGS.c.code, ORGS.c.id)
        )
    ).all()
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
    await _staff_of_round(session, actor, round_)
    a = await session.get(Announcement, round_id, with_for_update=True)
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
    a = await session.get(Announcement, round_id)
    if a is None:
        raise NotFound("本轮尚未发布巡察公告", "No announcement for this round", field="round_id")
    return await announcement_read(session, round_, a)


async def _check_org(session: AsyncSession, round_id: uuid.UUID, org_id: uuid.UUID | None) -> None:
    if org_id is None:
        return
    a = ASSIGNMENTS.assignments
    found = await session.scalar(
        select(a.c.id)
        .where(a.c.round_id == round_id, a.c.org_id == org_id, a.c.active.is_(True))
        .limit(1)
    )
    if found is None:
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
    await _staff_of_round(session, actor, round_)
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
    found = (
        await session.scalars(
            select(PublicReport).where(col(PublicReport.receipt_hash) == receipt_hash(code))
        )
    ).first()
    if found is None:
        raise NotFound("查询码无效", "Unknown receipt code", field="receipt_code")
    return public_status(found)


async def get_report(
    session: AsyncSession, *, report_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> PublicReport:
    stmt = select(PublicReport).where(col(PublicReport.id) == report_id, visibility(actor))
    if for_update:
        stmt = stmt.with_for_update(of=PublicReport)
    found = (await session.scalars(stmt)).first()
    if found is None:
        raise NotFound("信访举报不存在", "No such public report", field="report_id")
    return found


async def reads(
    session: AsyncSession, reports: list[PublicReport], *, now: datetime, viewer: Principal
) -> list[PublicReportRead]:
    ids = [r.id for r in reports] if sees_clue_links(viewer) else []
    clues = await problem_repository.clue_refs(session, report_ids=ids)
    today = local_day(now)
    return [
        PublicReportRead(
            id=r.id,
            jurisdiction=r.jurisdiction,
            round_id=r.round_id,
            org_id=r.org_id,
            channel=PublicReportChannel(r.channel),
            content=r.content,
            contact=r.contact,
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


def _need(value: object, field: str, outcome: str) -> None:
    if value is None:
        raise Unprocessable(
            f"分办为“{outcome}”时须填写 {field}",
            f"{field} is required for outcome {outcome}",
            field=field,
        )


async def triage(
    session: AsyncSession,
    *,
    report: PublicReport,
    data: TriageWrite,
    actor: Principal,
    now: datetime,
) -> PublicReport:
    """Decide once what a report becomes (409 when already triaged): a problem on one of the
    caller's assignments, a clue (proposed to the clues service first; the content is then
    erased here), a forward to a department with a reply deadline in working days, or no
    action with a reason. Emits ``public_report.triaged``."""
    round_ = await round_or_404(session, report.round_id, "round_id")
    await _staff_of_round(session, actor, round_)
    if report.outcome is not None:
        raise Conflict("该举报已分办", "The report was already triaged", code="already-triaged")
    outcome = data.outcome
    if outcome is TriageOutcome.problem:
        _need(data.problem, "problem", "转为问题")
        assert data.problem is not None
        if report.content is None:
            raise Conflict("举报内容已清除", "The report's content was erased", field="problem")
        (problem,) = await problems.record_problems(
            session,
            assignment_id=data.problem.assignment_id,
            items=[
                ProblemFields(
                    category=data.problem.category,
                    description=data.problem.description or report.content,
                    found_by=data.problem.found_by,
                    immediate=data.problem.immediate,
                    livelihood=data.problem.livelihood,
                    amount_yuan=data.problem.amount_yuan,
                )
            ],
            actor=actor,
            now=now,
            source_report_id=report.id,
        )
        report.problem_id = problem.id
    elif outcome is TriageOutcome.clue:
        report.clue_id = data.clue_id
        report.content, report.contact, report.redacted = None, None, True
    elif outcome is TriageOutcome.forwarded:
        _need(data.forwarded_to_org_id, "forwarded_to_org_id", "转办")
        org = (
            (await session.execute(ORGS.select().where(ORGS.c.id == data.forwarded_to_org_id)))
            .mappings()
            .first()
        )
        if org is None or org["jurisdiction"] != report.jurisdiction:
            raise Unprocessable("转办部门不存在", "No such department", field="forwarded_to_org_id")
        settings = await jurisdiction_settings.effective(session, report.jurisdiction)
        workdays = data.reply_workdays or settings.forward_reply_workdays
        calendar = await load_calendar(session, CALENDAR, report.jurisdiction)
        report.forwarded_to_org_id = data.forwarded_to_org_id
        report.reply_due_on = calendar.add_workdays(local_day(now), workdays).due
    else:
        _need(data.reason, "reason", "不予处理")
        report.no_action_reason = data.reason
    report.outcome = outcome.value
    report.status = public_status(report).value
    report.triaged_by, report.triaged_at = actor.subject, now
    report.version += 1
    await session.flush()
    await emit(
        session,
        PublicReportTriaged(
            jurisdiction=report.jurisdiction,
            report_id=report.id,
            round_id=report.round_id,
            org_id=report.org_id,
            outcome=outcome,
            problem_id=report.problem_id,
            forwarded_to_org_id=report.forwarded_to_org_id,
            reply_due_on=report.reply_due_on,
        ),
    )
    return report


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

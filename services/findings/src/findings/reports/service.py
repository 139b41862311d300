"""Reports: drafted by the group, reviewed by discipline (纪委审核: pass or return with
comments), approved by the secretary's meeting (leadership), exported as .docx.

A comprehensive report (综合报告) covers a township and its villages (the org projection's
``parent_id``); its problems are those of the round on any of these orgs."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from datetime import datetime

from docx import Document
from docx.shared import Pt
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.assignments import is_group_member
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.findings import ReportApproved, ReportKind, ReportSubmitted
from xuncha_shared.events.planning import RoundStatus
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable

from findings.access.policy import writable_assignment
from findings.models import ASSIGNMENTS
from findings.problems.models import Problem
from findings.reports import repository
from findings.reports.models import Report
from findings.reports.schemas import (
    SECTION_TITLES_ZH,
    ReportCreate,
    ReportRead,
    ReportStatus,
    ReportUpdate,
    ReviewEntry,
    ReviewWrite,
    Sections,
)

WRITING = frozenset({RoundStatus.on_site, RoundStatus.reporting, RoundStatus.feedback})


async def get_report(
    session: AsyncSession, *, report_id: uuid.UUID, actor: Principal, for_update: bool = False
) -> Report:
    found = await repository.visible_report(
        session, report_id, repository.visibility(actor), for_update=for_update
    )
    if found is None:
        raise NotFound("巡察报告不存在", "No such report", field="report_id")
    return found


async def scope_problems(session: AsyncSession, report: Report) -> list[Problem]:
    """The problems a report covers, by category then recording time: its assignment's, or
    for a comprehensive report the round's on the township and the orgs under it."""
    if report.kind == ReportKind.assignment.value:
        return await repository.problems_of_assignment(session, report.assignment_id)
    orgs = [report.org_id, *await repository.orgs_under(session, report.org_id)]
    return await repository.problems_of_round_orgs(session, report.round_id, orgs)


async def reads(session: AsyncSession, reports: Sequence[Report]) -> list[ReportRead]:
    out = []
    for r in reports:
        count = len(await scope_problems(session, r))
        out.append(
            ReportRead(
                id=r.id,
                kind=ReportKind(r.kind),
                jurisdiction=r.jurisdiction,
                round_id=r.round_id,
                group_id=r.group_id,
                org_id=r.org_id,
                assignment_id=r.assignment_id,
                title=r.title,
                sections=Sections.model_validate(r.sections),
                status=ReportStatus(r.status),
                review_comments=r.review_comments,
                reviews=[ReviewEntry.model_validate(e) for e in r.reviews or []],
                problem_count=count,
                submitted_at=r.submitted_at,
                reviewed_by=r.reviewed_by,
                reviewed_at=r.reviewed_at,
                approved_by=r.approved_by,
                approved_at=r.approved_at,
                version=r.version,
                created_by=r.created_by,
                created_at=r.created_at,
            )
        )
    return out


async def create_report(
    session: AsyncSession, *, data: ReportCreate, actor: Principal, now: datetime
) -> Report:
    """Draft a report: for an assignment of the caller's group, or a comprehensive report
    for a township the caller's group inspects in that round (409 when one exists)."""
    if data.kind is ReportKind.assignment:
        if data.assignment_id is None:
            raise Unprocessable(
                "巡察报告须指定巡察任务", "assignment_id is required", field="assignment_id"
            )
        assignment, round_ = await writable_assignment(
            session, actor, data.assignment_id, statuses=WRITING
        )
        org_id, group_id, assignment_id = assignment.org_id, assignment.group_id, assignment.id
    else:
        if data.round_id is None or data.township_org_id is None:
            raise Unprocessable(
                "综合报告须指定轮次和乡镇",
                "round_id and township_org_id are required",
                field="round_id" if data.round_id is None else "township_org_id",
            )
        found = await repository.township_assignment(session, data.round_id, data.township_org_id)
        if found is None:
            raise Unprocessable(
                "本轮没有巡察该乡镇",
                "That township is not inspected in this round",
                field="township_org_id",
            )
        assignment, round_ = await writable_assignment(session, actor, found, statuses=WRITING)
        org_id, group_id, assignment_id = assignment.org_id, assignment.group_id, None
    exists = await repository.existing_report(
        session, kind=data.kind, assignment_id=assignment_id, round_id=round_.id, org_id=org_id
    )
    if exists is not None:
        raise Conflict(
            "该报告已存在",
            "That report already exists",
            code="report-exists",
            extra={"report_id": str(exists)},
        )
    report = Report(
        jurisdiction=round_.jurisdiction,
        kind=data.kind.value,
        round_id=round_.id,
        group_id=group_id,
        org_id=org_id,
        assignment_id=assignment_id,
        title=data.title,
        sections=data.sections.model_dump(),
        status=ReportStatus.draft.value,
        created_by=actor.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(report)
    await session.flush()
    return report


async def _own_group(session: AsyncSession, actor: Principal, report: Report) -> None:
    if not (
        actor.has(Role.group)
        and await is_group_member(
            session, ASSIGNMENTS, group_id=report.group_id, account=actor.subject
        )
    ):
        raise Forbidden(
            "只有本组成员可以修改或提交报告", "Only the group's members may edit or submit"
        )


def _status(report: Report, *allowed: ReportStatus) -> None:
    if ReportStatus(report.status) not in allowed:
        raise Conflict(
            "报告当前状态不允许此操作",
            f"Not allowed while the report is {report.status}",
            code="report-status",
        )


async def update_report(
    session: AsyncSession,
    *,
    report: Report,
    data: ReportUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Report:
    await _own_group(session, actor, report)
    _status(report, ReportStatus.draft, ReportStatus.returned)
    check_version(report.version, expected_version)
    if data.title is not None:
        report.title = data.title
    if data.sections is not None:
        report.sections = data.sections.model_dump()
    report.version += 1
    report.updated_at = now
    await session.flush()
    return report


async def submit(
    session: AsyncSession, *, report: Report, actor: Principal, now: datetime
) -> Report:
    """Submit for discipline's review; emits ``report.submitted``."""
    await _own_group(session, actor, report)
    _status(report, ReportStatus.draft, ReportStatus.returned)
    report.status, report.submitted_at = ReportStatus.submitted.value, now
    report.version += 1
    report.updated_at = now
    await emit(
        session,
        ReportSubmitted(
            jurisdiction=report.jurisdiction,
            report_id=report.id,
            kind=ReportKind(report.kind),
            round_id=report.round_id,
            group_id=report.group_id,
            org_id=report.org_id,
            submitted_at=now,
        ),
    )
    await session.flush()
    return report


async def review(
    session: AsyncSession, *, report: Report, data: ReviewWrite, actor: Principal, now: datetime
) -> Report:
    """Discipline passes the report or returns it with comments; each review is kept in
    ``reviews``."""
    if not actor.has(Role.discipline):
        raise Forbidden(
            "只有纪委监委可以审核报告", "Only the discipline commission reviews reports"
        )
    _status(report, ReportStatus.submitted)
    if data.decision == "return" and not data.comments:
        raise Unprocessable(
            "退回须说明意见", "Comments are required to return a report", field="comments"
        )
    report.status = (
        ReportStatus.passed if data.decision == "pass" else ReportStatus.returned
    ).value
    report.review_comments = data.comments
    report.reviewed_by, report.reviewed_at = actor.subject, now
    entry = ReviewEntry(
        decision=data.decision,
        comments=data.comments,
        reviewed_by=actor.subject,
        reviewer_name=actor.name,
        reviewed_at=now,
    )
    report.reviews = [*(report.reviews or []), entry.model_dump(mode="json")]
    report.version += 1
    report.updated_at = now
    await session.flush()
    return report


async def approve(
    session: AsyncSession, *, report: Report, actor: Principal, now: datetime
) -> Report:
    """The secretary's meeting approves; emits ``report.approved`` with the problem count."""
    if not actor.has(Role.leadership):
        raise Forbidden(
            "只有领导小组（书记专题会）可以审定报告", "Only the leadership approves reports"
        )
    _status(report, ReportStatus.passed)
    report.status = ReportStatus.approved.value
    report.approved_by, report.approved_at = actor.subject, now
    report.version += 1
    report.updated_at = now
    count = len(await scope_problems(session, report))
    await emit(
        session,
        ReportApproved(
            jurisdiction=report.jurisdiction,
            report_id=report.id,
            kind=ReportKind(report.kind),
            round_id=report.round_id,
            group_id=report.group_id,
            org_id=report.org_id,
            approved_at=now,
            problem_count=count,
        ),
    )
    await session.flush()
    return report


async def render_docx(session: AsyncSession, report: Report) -> bytes:
    """The report as a Word document: title, the six sections; an empty “main problems”
    section lists the problems by category."""
    problems = await scope_problems(session, report)
    names = await repository.org_names(session, {p.org_id for p in problems} | {report.org_id})
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(14)
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(f"被巡察对象：{names.get(report.org_id, '')}")
    sections = Sections.model_validate(report.sections).model_dump()
    for key, heading in SECTION_TITLES_ZH.items():
        doc.add_heading(heading, level=1)
        text = sections[key]
        if key == "main_problems" and not text:
            by_category: dict[str, list[Problem]] = {}
            for p in problems:
                by_category.setdefault(p.category_name, []).append(p)
            for i, (category, items) in enumerate(by_category.items(), start=1):
                doc.add_paragraph(f"（{i}）{category}方面（{len(items)}个）")
                for j, p in enumerate(items, start=1):
                    where = names.get(p.org_id, "")
                    amount = f"，涉及金额{p.amount_yuan}元" if p.amount_yuan is not None else ""
                    flag = "（已立行立改）" if p.immediate else ""
                    doc.add_paragraph(f"{j}. {where}：{p.description}{amount}{flag}")
            continue
        for para in text.splitlines() or [""]:
            doc.add_paragraph(para)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

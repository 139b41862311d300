"""The rectification report: submitted once, signed with the truthfulness commitment, and
its disclosures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal, Role
from xuncha_shared.events.rectification import RectificationReportSubmitted
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable
from xuncha_shared.workdays import local_day

from rectification.access.policy import is_own_org, require_own_org
from rectification.plans.models import AWAITING_FEEDBACK, Plan
from rectification.reports import repository
from rectification.reports.models import Disclosure, Report
from rectification.reports.schemas import (
    DisclosureCreate,
    DisclosureRead,
    ReportCreate,
    ReportRead,
)


async def submit_report(
    session: AsyncSession, *, plan: Plan, data: ReportCreate, actor: Principal, now: datetime
) -> Report:
    """The org submits its report once, signed; emits ``report.submitted``."""
    require_own_org(actor, jurisdiction=plan.jurisdiction, org_id=plan.org_id)
    if plan.status == AWAITING_FEEDBACK:
        raise Conflict(
            "尚未反馈，不能报送整改报告",
            "No feedback yet; no report can be submitted",
            code="plan-state",
        )
    if await repository.report_of(session, plan.id) is not None:
        raise Conflict("整改报告已报送", "The report was already submitted", code="report-exists")
    report = Report(
        plan_id=plan.id,
        content=data.content,
        signed_by=data.commitment.signed_by,
        commitment=data.commitment.statement,
        signed_at=now,
        submitted_by=actor.subject,
        late=plan.report_due_on is not None and local_day(now) > plan.report_due_on,
    )
    session.add(report)
    await session.flush()
    await emit(
        session,
        RectificationReportSubmitted(
            jurisdiction=plan.jurisdiction,
            plan_id=plan.id,
            round_id=plan.round_id,
            org_id=plan.org_id,
            report_id=report.id,
            submitted_at=now,
        ),
    )
    return report


async def report_for(session: AsyncSession, *, plan: Plan) -> Report:
    """The plan's report; 404 before it is submitted."""
    report = await repository.report_of(session, plan.id)
    if report is None:
        raise NotFound("整改报告尚未报送", "No report yet", field="plan_id")
    return report


async def report_read(session: AsyncSession, report: Report) -> ReportRead:
    """The report as answered, with its disclosures."""
    rows = await repository.disclosures_of(session, report.id)
    return ReportRead(
        id=report.id,
        plan_id=report.plan_id,
        content=report.content,
        signed_by=report.signed_by,
        commitment=report.commitment,
        signed_at=report.signed_at,
        late=report.late,
        disclosures=[DisclosureRead.model_validate(d) for d in rows],
    )


async def record_disclosure(
    session: AsyncSession, *, plan: Plan, data: DisclosureCreate, actor: Principal, now: datetime
) -> Disclosure:
    """The org or the office records where and when the report was disclosed."""
    if not (
        is_own_org(actor, jurisdiction=plan.jurisdiction, org_id=plan.org_id)
        or actor.has(Role.office)
    ):
        require_own_org(actor, jurisdiction=plan.jurisdiction, org_id=plan.org_id)
    report = await repository.report_of(session, plan.id)
    if report is None:
        raise Conflict("整改报告尚未报送", "Submit the report first", code="no-report")
    if data.disclosed_on > local_day(now) or data.disclosed_on < local_day(report.signed_at):
        raise Unprocessable(
            "公开日期应在报告报送之后、今天之前",
            "The disclosure date must be between the report and today",
            field="disclosed_on",
            code="bad-disclosed-on",
        )
    disclosure = Disclosure(
        report_id=report.id,
        scope=data.scope.value,
        disclosed_on=data.disclosed_on,
        place=data.place,
        recorded_at=now,
        recorded_by=actor.subject,
    )
    session.add(disclosure)
    await session.flush()
    return disclosure

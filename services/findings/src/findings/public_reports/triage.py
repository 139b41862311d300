"""Triage (分办) of a public report: what it becomes, decided once by the office or a group
of its round. Flush, never commit.

A report may become a problem on one of the caller's assignments. Problems are recorded
only by the problems service, so triage comes in two steps the route joins in one
transaction: :func:`check` refuses a triage that may not happen (and says which problem
to record), then :func:`decide` records the outcome, the new problem's id included.
What protects the reporter (a clue only from this report, the problem in the group's own
words, never forwarded to the accused) is in :mod:`findings.public_reports.protection`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.calendar import load_calendar
from xuncha_shared.events.findings import PublicReportTriaged, TriageOutcome
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, Unprocessable
from xuncha_shared.workdays import local_day

from findings.access.policy import round_or_404
from findings.models import CALENDAR
from findings.problems.schemas import ProblemFields
from findings.public_reports import protection
from findings.public_reports.models import PublicReport
from findings.public_reports.schemas import TriageWrite
from findings.public_reports.service import public_status, staff_of_round
from findings.settings import effective as jurisdiction_settings


def _need(value: object, field: str, outcome: str) -> None:
    if value is None:
        raise Unprocessable(
            f"分办为“{outcome}”时须填写 {field}",
            f"{field} is required for outcome {outcome}",
            field=field,
        )


async def check(
    session: AsyncSession, *, report: PublicReport, data: TriageWrite, actor: Principal
) -> tuple[uuid.UUID, ProblemFields] | None:
    """Refuse a triage that may not happen: 404 for an unknown round, 403 unless the office
    or a group of the round, 409 when already triaged; for a clue, one not proposed from
    this report by a group of its round; for a forward, one to the accused. For the outcome
    ``problem``, the problem to record (in the group's own words, never the report's) and
    the assignment to record it on (422 without one); else None."""
    round_ = await round_or_404(session, report.round_id, "round_id")
    await staff_of_round(session, actor, round_)
    if report.outcome is not None:
        raise Conflict("该举报已分办", "The report was already triaged", code="already-triaged")
    if data.outcome is TriageOutcome.clue:
        _need(data.clue_id, "clue_id", "作为线索")
        assert data.clue_id is not None
        await protection.require_clue_proposed_from_report(
            session, report=report, clue_id=data.clue_id
        )
    if data.outcome is TriageOutcome.forwarded:
        _need(data.forwarded_to_org_id, "forwarded_to_org_id", "转办")
        assert data.forwarded_to_org_id is not None
        await protection.require_forward_not_to_accused(
            session, report=report, org_id=data.forwarded_to_org_id
        )
    if data.outcome is not TriageOutcome.problem:
        return None
    _need(data.problem, "problem", "转为问题")
    assert data.problem is not None
    protection.require_own_problem_wording(report, data.problem.description)
    return data.problem.assignment_id, ProblemFields(
        category=data.problem.category,
        description=data.problem.description,
        found_by=data.problem.found_by,
        immediate=data.problem.immediate,
        livelihood=data.problem.livelihood,
        amount_yuan=data.problem.amount_yuan,
    )


async def decide(
    session: AsyncSession,
    *,
    report: PublicReport,
    data: TriageWrite,
    problem_id: uuid.UUID | None,
    actor: Principal,
    now: datetime,
) -> PublicReport:
    """Record what a report becomes, after :func:`check`: the problem recorded from it, a
    clue (proposed to the clues service first; the content is erased here, if the clue's
    event has not done so already), a forward to a department with a reply deadline in
    working days, or no action with a reason. Emits ``public_report.triaged``."""
    outcome = data.outcome
    if outcome is TriageOutcome.problem:
        report.problem_id = problem_id
    elif outcome is TriageOutcome.clue:
        assert data.clue_id is not None
        report.clue_id = data.clue_id
        protection.erase_report_text(report, data.clue_id)
    elif outcome is TriageOutcome.forwarded:
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

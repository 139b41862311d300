"""Due-soon and overdue facts for plans, tasks and reports (ARCHITECTURE.md, "Delivery
guarantees": time-based facts are emitted once, by the service that owns the deadline).

Each fact is keyed by (what, its id, the kind of notice, the deadline) in
``deadline_notices``; the key is inserted in the same transaction as the outbox row, and
only the transaction whose insert went in emits. A rerun, a second replica, or a
redelivered tick finds the key and does nothing; a moved deadline is a new key, so it is
warned again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.rectification import (
    DeadlineSubject,
    RectificationDueSoon,
    RectificationOverdue,
)
from xuncha_shared.messaging import emit
from xuncha_shared.workdays import WorkdayCalendar, local_day

from rectification.dates import calendar_of
from rectification.deadlines import repository
from rectification.deadlines.models import DUE_SOON, OVERDUE
from rectification.rules.repository import rules_by_jurisdiction
from rectification.rules.schemas import Rules


@dataclass(frozen=True)
class Deadline:
    """One thing that is due: a plan, a task or a report."""

    what: DeadlineSubject
    subject_id: uuid.UUID
    plan_id: uuid.UUID
    round_id: uuid.UUID
    org_id: uuid.UUID
    jurisdiction: str
    due_on: date
    task_id: uuid.UUID | None = None
    owner_account: str | None = None


async def _candidates(session: AsyncSession, *, today: date, horizon: date) -> list[Deadline]:
    out: list[Deadline] = []
    plans = await repository.plans_due(session, today=today, horizon=horizon)
    out += [
        Deadline(DeadlineSubject.plan, p.id, p.id, p.round_id, p.org_id, p.jurisdiction, d)
        for p in plans
        if (d := p.plan_due_on) is not None
    ]
    reports = await repository.reports_due(session, today=today, horizon=horizon)
    out += [
        Deadline(DeadlineSubject.report, p.id, p.id, p.round_id, p.org_id, p.jurisdiction, d)
        for p in reports
        if (d := p.report_due_on) is not None
    ]
    tasks = await repository.tasks_due(session, today=today, horizon=horizon)
    out += [
        Deadline(
            DeadlineSubject.task,
            t.id,
            t.plan_id,
            t.round_id,
            t.org_id,
            t.jurisdiction,
            d,
            task_id=t.id,
            owner_account=t.owner_account,
        )
        for t in tasks
        if (d := t.due_on) is not None
    ]
    return out


def notice_for(due_on: date, today: date, calendar: WorkdayCalendar, rules: Rules) -> str | None:
    """Which notice a deadline calls for today: overdue the day after it, due soon within
    the warning window of working days before it, else none."""
    if today > due_on:
        return OVERDUE
    if rules.warn_workdays_before > 0 and calendar.workdays_between(today, due_on) <= (
        rules.warn_workdays_before
    ):
        return DUE_SOON
    return None


async def warn_deadlines(session: AsyncSession, now: datetime) -> None:
    """Emit ``deadline.due_soon`` and ``deadline.overdue`` once per deadline and kind."""
    today = local_day(now)
    own_rules = await rules_by_jurisdiction(session)
    widest = max(
        [r.warn_workdays_before for r in own_rules.values()] + [Rules().warn_workdays_before]
    )
    # Working days are never fewer than calendar days / 2 minus the longest holiday.
    horizon = today + timedelta(days=2 * widest + 14)
    calendars: dict[str, WorkdayCalendar] = {}
    for item in await _candidates(session, today=today, horizon=horizon):
        if item.jurisdiction not in calendars:
            calendars[item.jurisdiction] = await calendar_of(session, item.jurisdiction)
        rules = own_rules.get(item.jurisdiction, Rules())
        kind = notice_for(item.due_on, today, calendars[item.jurisdiction], rules)
        if kind is None:
            continue
        first = await repository.record_notice(
            session,
            subject_id=item.subject_id,
            what=item.what,
            notice=kind,
            due_on=item.due_on,
            plan_id=item.plan_id,
            at=now,
        )
        if not first:
            continue
        cls = RectificationOverdue if kind == OVERDUE else RectificationDueSoon
        await emit(
            session,
            cls(
                jurisdiction=item.jurisdiction,
                plan_id=item.plan_id,
                round_id=item.round_id,
                org_id=item.org_id,
                what=item.what,
                task_id=item.task_id,
                owner_accounts=(item.owner_account,) if item.owner_account else (),
                due_on=item.due_on,
            ),
        )

"""The periodic chase (ARCHITECTURE.md, "Delivery guarantees": time-based facts are emitted
once, by the service that owns the deadline).

A clue past a limit gets a reminder (提醒函); if the step is still not done a grace period
of working days after the reminder, a supervision letter (督办函). Each is a row in
``chase_letters`` (unique per clue, stage and step) written in the same transaction as its
event, so a rerun or a second replica finds nothing left to do.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.calendar import load_calendar
from xuncha_shared.events.clues import (
    ClueReminderIssued,
    ClueStage,
    ClueStatus,
    ClueSupervisionIssued,
)
from xuncha_shared.messaging import emit
from xuncha_shared.workdays import WorkdayCalendar, local_day

from clues.audit.service import record_system
from clues.chase import repository
from clues.chase.letters import number_letter, render_chase_letter
from clues.chase.limits import open_stages
from clues.chase.schemas import LimitsRead
from clues.chase.service import all_limits
from clues.config import DeadlineDefaults
from clues.ledger.models import Clue
from clues.ledger.service import event_of
from clues.models import CALENDAR

BATCH = 500
CHASED = (ClueStatus.reviewed, ClueStatus.transferred, ClueStatus.accepted, ClueStatus.handling)


async def _issue(
    session: AsyncSession,
    *,
    clue: Clue,
    stage: ClueStage,
    step: str,
    due_on: date,
    now: datetime,
    issuer_short: str,
    issuer: str,
    reply_due: date | None,
) -> bool:
    # The job holds the clue's row lock (a second run skips it), so the number taken here
    # is the one the letter keeps; the unique constraint below is only the last guard.
    today = local_day(now)
    year = today.year
    number, numbered = await number_letter(
        session, jurisdiction=clue.jurisdiction, step=step, year=year, issuer_short=issuer_short
    )
    to_office = stage == ClueStage.transfer
    letter_id = uuid.uuid4()
    inserted = await repository.add_letter(
        session,
        {
            "id": letter_id,
            "clue_id": clue.id,
            "jurisdiction": clue.jurisdiction,
            "stage": stage.value,
            "step": step,
            "due_on": due_on,
            "addressee_org_id": None if to_office else clue.recipient_org_id,
            "addressee_account": clue.keeper_account if to_office else None,
            "doc_number": numbered,
            "number": number,
            "year": year,
            "docx": await render_chase_letter(
                session,
                step=step,
                doc_number=numbered,
                clue=clue,
                stage=stage,
                due_on=due_on,
                today=today,
                issuer=issuer,
                reply_workdays_due=reply_due,
            ),
            "issued_at": now,
        },
    )
    if inserted is None:
        return False
    cls = ClueReminderIssued if step == "reminder" else ClueSupervisionIssued
    await emit(session, event_of(cls, clue, stage=stage, due_on=due_on, doc_number=numbered))
    await record_system(
        session,
        jurisdiction=clue.jurisdiction,
        action=step,
        now=now,
        clue_id=clue.id,
        detail={"stage": stage.value, "due_on": due_on.isoformat(), "doc_number": numbered},
    )
    return True


def chase_job(
    defaults: DeadlineDefaults, *, issuer_short: str = "", issuer: str = "巡察工作领导小组办公室"
) -> Callable[[AsyncSession, datetime], Awaitable[None]]:
    """The periodic job, bound to the service's default limits."""

    async def chase_clues(session: AsyncSession, now: datetime) -> None:
        """Issue the reminders and supervision letters that are due (each once)."""
        today = local_day(now)
        limits = await all_limits(session, defaults=defaults)
        calendars: dict[str, WorkdayCalendar] = {}
        clues = await repository.chased_clues(session, CHASED)
        if not clues:
            return
        issued = {
            (row.clue_id, row.stage, row.step): row
            for row in await repository.letters_for(session, [c.id for c in clues])
        }
        for clue in clues:
            j = clue.jurisdiction
            if j not in calendars:
                calendars[j] = await load_calendar(session, CALENDAR, j)
            mine: LimitsRead = limits.get(j) or LimitsRead(
                jurisdiction=j, is_default=True, **defaults.model_dump()
            )
            for due in open_stages(clue, mine, calendars[j]):
                if today <= due.due_on:
                    continue
                reminder = issued.get((clue.id, due.stage.value, "reminder"))
                if reminder is None:
                    await _issue(
                        session,
                        clue=clue,
                        stage=due.stage,
                        step="reminder",
                        due_on=due.due_on,
                        now=now,
                        issuer_short=issuer_short,
                        issuer=issuer,
                        reply_due=None,
                    )
                    continue
                if (clue.id, due.stage.value, "supervision") in issued:
                    continue
                grace = mine.supervision_grace_workdays
                grace_end = calendars[j].add_workdays(local_day(reminder.issued_at), grace).due
                if today > grace_end:
                    await _issue(
                        session,
                        clue=clue,
                        stage=due.stage,
                        step="supervision",
                        due_on=due.due_on,
                        now=now,
                        issuer_short=issuer_short,
                        issuer=issuer,
                        reply_due=calendars[j].add_workdays(today, grace).due,
                    )
        await session.flush()

    return chase_clues

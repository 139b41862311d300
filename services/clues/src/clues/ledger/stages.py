"""Where a clue stands on the clock: since when it is in its current stage, how many working
days that is, the next due day and which limits are already past (超期).

The same rule as the chase and the monthly review (``chase.limits.open_stages``): a limit is
past when today is after its due day. The ledger filters on it in SQL through a cut-off day
per stage, so a page of overdue clues is a page, not a filtered slice of one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import Depends
from xuncha_shared.calendar import load_calendar
from xuncha_shared.db import DbSession
from xuncha_shared.events.clues import ClueStage, ClueStatus
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.workdays import SHANGHAI, WorkdayCalendar, local_day

from clues.chase.limits import open_stages
from clues.chase.schemas import LimitsWrite
from clues.chase.service import effective_limits
from clues.deps import DefaultsDep
from clues.ledger.models import Clue
from clues.models import CALENDAR


@dataclass(frozen=True)
class StageClock:
    """The jurisdiction's limits and calendar, and today (Beijing time)."""

    limits: LimitsWrite
    calendar: WorkdayCalendar
    today: date

    def workdays(self, stage: ClueStage) -> int:
        return {
            ClueStage.transfer: self.limits.transfer_workdays,
            ClueStage.receipt: self.limits.receipt_workdays,
            ClueStage.first_progress: self.limits.first_progress_workdays,
            ClueStage.conclusion: self.limits.conclusion_workdays,
        }[stage]

    def cutoff(self, stage: ClueStage) -> datetime:
        """The moment before which a stage that started is overdue today: the first day
        ``s`` whose due day is not before today, at 00:00 Beijing time. Due days grow with
        the start day, so a binary search finds it."""
        n = self.workdays(stage)

        def due(start: date) -> date:
            return self.calendar.add_workdays(start, n).due

        hi = self.today  # due(today) is after today: never overdue
        span = 2 * n + 30
        lo = self.today - timedelta(days=span)
        while due(lo) >= self.today:
            span *= 2
            lo = self.today - timedelta(days=span)
        # Invariant: due(lo) < today <= due(hi).
        while (hi - lo).days > 1:
            mid = lo + timedelta(days=(hi - lo).days // 2)
            if due(mid) < self.today:
                lo = mid
            else:
                hi = mid
        return datetime.combine(hi, time(), tzinfo=SHANGHAI)


async def stage_clock(
    session: DbSession, principal: CurrentPrincipal, now: Now, defaults: DefaultsDep
) -> StageClock:
    """The caller's jurisdiction's clock (every clue a caller may read is of it)."""
    limits = await effective_limits(session, jurisdiction=principal.jurisdiction, defaults=defaults)
    calendar = await load_calendar(session, CALENDAR, principal.jurisdiction)
    return StageClock(limits=limits, calendar=calendar, today=local_day(now))


StageClockDep = Annotated[StageClock, Depends(stage_clock)]


def stage_since(clue: Clue) -> datetime:
    """When the clue entered its current status."""
    status = ClueStatus(clue.status)
    since = {
        ClueStatus.draft: clue.proposed_at,
        ClueStatus.reviewed: clue.reviewed_at,
        ClueStatus.returned: clue.returned_at,
        ClueStatus.transferred: clue.transferred_at,
        ClueStatus.accepted: clue.accepted_at,
        ClueStatus.handling: clue.disposal_at or clue.accepted_at,
        ClueStatus.concluded: clue.concluded_at,
        ClueStatus.closed: clue.closed_at,
    }[status]
    return since or clue.proposed_at


@dataclass(frozen=True)
class StageState:
    since: datetime
    age_workdays: int
    next_due_on: date | None
    overdue_stages: list[ClueStage]


def stage_state(clue: Clue, clock: StageClock) -> StageState:
    since = stage_since(clue)
    stages = open_stages(clue, clock.limits, clock.calendar)
    return StageState(
        since=since,
        age_workdays=max(0, clock.calendar.workdays_between(local_day(since), clock.today)),
        next_due_on=min((s.due_on for s in stages), default=None),
        overdue_stages=[s.stage for s in stages if clock.today > s.due_on],
    )

"""The due days a jurisdiction's handling limits give a clue (pure: tested without a
database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from xuncha_shared.events.clues import ClueStage, ClueStatus
from xuncha_shared.workdays import WorkdayCalendar, local_day

from clues.chase.schemas import LimitsWrite
from clues.ledger.models import Clue


@dataclass(frozen=True)
class StageDue:
    stage: ClueStage
    started: date
    due_on: date


def open_stages(clue: Clue, limits: LimitsWrite, calendar: WorkdayCalendar) -> list[StageDue]:
    """The limits that currently run on a clue, with their due days."""
    status = ClueStatus(clue.status)
    out: list[StageDue] = []

    def add(stage: ClueStage, since: datetime | None, workdays: int) -> None:
        if since is not None:
            start = local_day(since)
            out.append(StageDue(stage, start, calendar.add_workdays(start, workdays).due))

    if status == ClueStatus.reviewed:
        add(ClueStage.transfer, clue.reviewed_at, limits.transfer_workdays)
    elif status == ClueStatus.transferred:
        add(ClueStage.receipt, clue.transferred_at, limits.receipt_workdays)
    elif status in (ClueStatus.accepted, ClueStatus.handling):
        if clue.first_progress_at is None:
            add(ClueStage.first_progress, clue.accepted_at, limits.first_progress_workdays)
        add(ClueStage.conclusion, clue.accepted_at, limits.conclusion_workdays)
    return out

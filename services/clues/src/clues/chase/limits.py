"""A jurisdiction's handling limits (working days) and the due dates they give a clue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal
from xuncha_shared.events.clues import ClueStage, ClueStatus
from xuncha_shared.http import check_version
from xuncha_shared.problems import PreconditionFailed, PreconditionRequired
from xuncha_shared.workdays import SHANGHAI, WorkdayCalendar

from clues.chase.models import DeadlineSettings
from clues.config import DeadlineDefaults
from clues.ledger.models import Clue

_EXAMPLE: JsonDict = {
    "transfer_workdays": 5,
    "receipt_workdays": 3,
    "first_progress_workdays": 10,
    "conclusion_workdays": 60,
    "supervision_grace_workdays": 5,
}


class LimitsWrite(BaseModel):
    """Limits in working days (工作日)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    transfer_workdays: int = Field(ge=1, le=250, title="研判后移交期限")
    receipt_workdays: int = Field(ge=1, le=250, title="移交后签收期限")
    first_progress_workdays: int = Field(ge=1, le=250, title="签收后首次报告进展期限")
    conclusion_workdays: int = Field(ge=1, le=750, title="签收后办结期限")
    supervision_grace_workdays: int = Field(
        ge=1,
        le=250,
        title="提醒后发督办函的宽限期",
        description="提醒函发出后仍未办理，再过几个工作日发督办函",
    )


class LimitsRead(LimitsWrite):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE,
                    "jurisdiction": "410825",
                    "is_default": False,
                    "version": 3,
                    "updated_at": "2026-03-02T10:15:00+08:00",
                    "updated_by": "wx-xcb-zhao",
                }
            ]
        }
    )

    jurisdiction: str
    is_default: bool = Field(title="是否系统默认值")
    version: int | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


def _read(
    jurisdiction: str, row: DeadlineSettings | None, defaults: DeadlineDefaults
) -> LimitsRead:
    if row is None:
        return LimitsRead(jurisdiction=jurisdiction, is_default=True, **defaults.model_dump())
    return LimitsRead(
        jurisdiction=jurisdiction,
        is_default=False,
        transfer_workdays=row.transfer_workdays,
        receipt_workdays=row.receipt_workdays,
        first_progress_workdays=row.first_progress_workdays,
        conclusion_workdays=row.conclusion_workdays,
        supervision_grace_workdays=row.supervision_grace_workdays,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


async def effective_limits(
    session: AsyncSession, jurisdiction: str, defaults: DeadlineDefaults
) -> LimitsRead:
    row = await session.get(DeadlineSettings, jurisdiction)
    return _read(jurisdiction, row, defaults)


async def all_limits(session: AsyncSession, defaults: DeadlineDefaults) -> dict[str, LimitsRead]:
    rows = (await session.scalars(select(DeadlineSettings))).all()
    return {r.jurisdiction: _read(r.jurisdiction, r, defaults) for r in rows}


async def save_limits(
    session: AsyncSession,
    *,
    data: LimitsWrite,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
    defaults: DeadlineDefaults,
) -> tuple[LimitsRead, bool]:
    """Create (no If-Match) or change (If-Match) the jurisdiction's limits."""
    j = actor.jurisdiction
    row = (
        await session.scalars(
            select(DeadlineSettings)
            .where(col(DeadlineSettings.jurisdiction) == j)
            .with_for_update()
        )
    ).first()
    created = row is None
    if row is None:
        if expected_version is not None:
            raise PreconditionFailed(
                "本辖区尚未设置线索办理期限，新设时不带 If-Match",
                "No limits exist yet; send no If-Match to create them",
                field="If-Match",
            )
        row = DeadlineSettings(
            jurisdiction=j, updated_at=now, updated_by=actor.subject, **data.model_dump()
        )
        session.add(row)
    else:
        if expected_version is None:
            raise PreconditionRequired(
                "修改期限设置须带 If-Match 请求头",
                "Changing the limits needs If-Match",
                field="If-Match",
            )
        check_version(row.version, expected_version)
        for k, v in data.model_dump().items():
            setattr(row, k, v)
        row.version += 1
        row.updated_at, row.updated_by = now, actor.subject
    await session.flush()
    return _read(j, row, defaults), created


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


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

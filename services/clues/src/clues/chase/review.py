"""The monthly ledger review (每月集中梳理, 001): every open clue with its age in working
days, where it stands, what comes next and by when."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.calendar import load_calendar
from xuncha_shared.events.clues import ClueStage, ClueStatus
from xuncha_shared.exports import workbook

from clues.chase.limits import LimitsRead, local_day, open_stages
from clues.chase.models import ClueChaseLetter
from clues.ledger.lifecycle import STATUS_ZH
from clues.ledger.models import Clue
from clues.models import CALENDAR

NEXT_STEP_ZH = {
    ClueStatus.draft: "会商研判",
    ClueStatus.reviewed: "移交承办部门",
    ClueStatus.returned: "补充材料后重新研判",
    ClueStatus.transferred: "承办部门签收",
    ClueStatus.accepted: "确定处置方式",
    ClueStatus.handling: "报送办理结果",
    ClueStatus.concluded: "销号",
}


class ReviewItem(BaseModel):
    clue_id: uuid.UUID = Field(title="线索编号")
    round_id: uuid.UUID
    status: ClueStatus = Field(title="状态")
    status_zh: str
    priority: bool
    keeper_account: str | None
    recipient_org_id: uuid.UUID | None
    age_workdays: int = Field(title="已历时（工作日）", description="自提出之日起")
    next_step: str = Field(title="下一步")
    next_due_on: date | None = Field(title="下一期限")
    overdue_stages: list[ClueStage] = Field(title="已超期环节")
    letters: int = Field(title="已发提醒函/督办函")


class LedgerReview(BaseModel):
    jurisdiction: str
    as_of: date = Field(title="梳理日期")
    open_count: int
    overdue_count: int
    items: list[ReviewItem]


async def ledger_review(
    session: AsyncSession, *, jurisdiction: str, as_of: date, limits: LimitsRead
) -> LedgerReview:
    clues: Sequence[Clue] = (
        await session.scalars(
            select(Clue)
            .where(
                col(Clue.jurisdiction) == jurisdiction, col(Clue.status) != ClueStatus.closed.value
            )
            .order_by(col(Clue.proposed_at), col(Clue.id))
        )
    ).all()
    letters: dict[uuid.UUID, int] = {}
    for clue_id in (
        await session.scalars(
            select(col(ClueChaseLetter.clue_id)).where(
                col(ClueChaseLetter.jurisdiction) == jurisdiction
            )
        )
    ).all():
        letters[clue_id] = letters.get(clue_id, 0) + 1
    calendar = await load_calendar(session, CALENDAR, jurisdiction)
    items = []
    for c in clues:
        status = ClueStatus(c.status)
        stages = open_stages(c, limits, calendar)
        items.append(
            ReviewItem(
                clue_id=c.id,
                round_id=c.round_id,
                status=status,
                status_zh=STATUS_ZH[status],
                priority=c.priority,
                keeper_account=c.keeper_account,
                recipient_org_id=c.recipient_org_id,
                age_workdays=max(0, calendar.workdays_between(local_day(c.proposed_at), as_of)),
                next_step=NEXT_STEP_ZH[status],
                next_due_on=min((s.due_on for s in stages), default=None),
                overdue_stages=[s.stage for s in stages if as_of > s.due_on],
                letters=letters.get(c.id, 0),
            )
        )
    return LedgerReview(
        jurisdiction=jurisdiction,
        as_of=as_of,
        open_count=len(items),
        overdue_count=sum(1 for i in items if i.overdue_stages),
        items=items,
    )


def review_workbook(review: LedgerReview) -> bytes:
    headers = (
        "线索编号",
        "轮次编号",
        "状态",
        "绿色通道",
        "线索管理人",
        "承办部门编号",
        "已历时（工作日）",
        "下一步",
        "下一期限",
        "已超期环节",
        "已发函件",
    )
    rows = [
        (
            str(i.clue_id),
            str(i.round_id),
            i.status_zh,
            "是" if i.priority else "否",
            i.keeper_account,
            str(i.recipient_org_id) if i.recipient_org_id else None,
            i.age_workdays,
            i.next_step,
            i.next_due_on,
            "、".join(s.value for s in i.overdue_stages),
            i.letters,
        )
        for i in review.items
    ]
    return workbook(f"线索月度梳理{review.as_of.isoformat()}", headers, rows)

"""The monthly ledger review (每月集中梳理, 001): every open clue with its age in working
days, where it stands, what comes next and by when; and its workbook."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import Response
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.calendar import load_calendar
from xuncha_shared.events.clues import ClueStatus
from xuncha_shared.web import Column, xlsx_ledger
from xuncha_shared.workdays import local_day

from clues.chase import repository
from clues.chase.limits import open_stages
from clues.chase.schemas import LedgerReview, LimitsRead, ReviewItem
from clues.ledger.lifecycle import STATUS_ZH
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


async def ledger_review(
    session: AsyncSession, *, jurisdiction: str, as_of: date, limits: LimitsRead
) -> LedgerReview:
    clues = await repository.open_clues(session, jurisdiction)
    letters: dict[uuid.UUID, int] = {}
    for clue_id in await repository.lettered_clue_ids(session, jurisdiction):
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


C = Column[ReviewItem]
REVIEW_COLUMNS = [
    C("线索编号", lambda i: str(i.clue_id)),
    C("轮次编号", lambda i: str(i.round_id)),
    C("状态", lambda i: i.status_zh),
    C("绿色通道", lambda i: "是" if i.priority else "否"),
    C("线索管理人", lambda i: i.keeper_account),
    C("承办部门编号", lambda i: str(i.recipient_org_id) if i.recipient_org_id else None),
    C("已历时（工作日）", lambda i: i.age_workdays),
    C("下一步", lambda i: i.next_step),
    C("下一期限", lambda i: i.next_due_on),
    C("已超期环节", lambda i: "、".join(s.value for s in i.overdue_stages)),
    C("已发函件", lambda i: i.letters),
]


def review_export(review: LedgerReview) -> Response:
    """The review as a workbook download."""
    return xlsx_ledger(
        f"线索月度梳理{review.as_of.isoformat()}",
        REVIEW_COLUMNS,
        review.items,
        filename="clue-ledger-review.xlsx",
        ascii_name="clue-ledger-review.xlsx",
    )

"""The promotion check: whether rectification a cadre owns, or his org's, is overdue or
unaccepted past its deadline."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.rectification import TaskKind
from xuncha_shared.workdays import local_day

from rectification.promotion import repository
from rectification.promotion.schemas import BlockingTask, PromotionCheck


async def check(
    session: AsyncSession,
    *,
    actor: Principal,
    account: str | None,
    person: str | None,
    org_id: uuid.UUID | None,
    now: datetime,
) -> PromotionCheck:
    """Whether rectification the subject owns is overdue or done but unaccepted past its
    deadline, and which tasks."""
    today = local_day(now)
    rows = await repository.blocking_tasks(
        session,
        jurisdiction=actor.jurisdiction,
        today=today,
        account=account,
        person=person,
        org_id=org_id,
    )
    tasks = [
        BlockingTask(
            task_id=r.id,
            plan_id=r.plan_id,
            round_id=r.round_id,
            org_id=r.org_id,
            org_name=r.org_name,
            category_name=r.category_name,
            description=r.description,
            kind=TaskKind(r.kind),
            responsible_person=r.responsible_person,
            owner_name=r.owner_name,
            due_on=r.due_on,
            days_overdue=(today - r.due_on).days,
            status=r.status,
            claimed_at=r.claimed_at,
            reason_zh="已申请销号，逾期尚未验收通过" if r.status == "claimed" else "逾期未完成整改",
        )
        for r in rows
    ]
    return PromotionCheck(
        account=account,
        person=person,
        org_id=org_id,
        as_of=today,
        blocking=bool(tasks),
        tasks=tasks,
    )

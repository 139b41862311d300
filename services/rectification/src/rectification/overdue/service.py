"""The overdue work list (逾期整改清单): unaccepted tasks past their deadline, by org."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.workdays import local_day

from rectification.access.policy import Access
from rectification.dates import calendar_of
from rectification.overdue import repository
from rectification.overdue.schemas import OverdueOrg, OverdueRead, OverdueTask
from rectification.plans.repository import org_names


async def overdue(
    session: AsyncSession,
    *,
    access: Access,
    now: datetime,
    round_id: uuid.UUID | None,
    org_id: uuid.UUID | None,
) -> OverdueRead:
    """The caller's overdue tasks by org, the most overdue org first, with how late each
    is in working days (the jurisdiction's calendar) and in days."""
    today = local_day(now)
    tasks = await repository.overdue_tasks(
        session, access=access, today=today, round_id=round_id, org_id=org_id
    )
    calendar = await calendar_of(session, access.jurisdiction)
    names = await org_names(session, [t.org_id for t in tasks])
    by_org: dict[uuid.UUID, list[OverdueTask]] = {}
    for t in tasks:
        assert t.due_on is not None
        by_org.setdefault(t.org_id, []).append(
            OverdueTask(
                task_id=t.id,
                plan_id=t.plan_id,
                round_id=t.round_id,
                category_name=t.category_name,
                description=t.description,
                responsible_person=t.responsible_person,
                owner_name=t.owner_name,
                due_on=t.due_on,
                status=t.status,
                workdays_overdue=calendar.workdays_between(t.due_on, today),
                days_overdue=(today - t.due_on).days,
            )
        )
    orgs = [
        OverdueOrg(
            org_id=org,
            org_name=names.get(org),
            count=len(items),
            worst_workdays=max(i.workdays_overdue for i in items),
            tasks=items,
        )
        for org, items in by_org.items()
    ]
    orgs.sort(key=lambda o: (-o.worst_workdays, -o.count, o.org_name or "", str(o.org_id)))
    return OverdueRead(as_of=today, total=len(tasks), orgs=orgs)

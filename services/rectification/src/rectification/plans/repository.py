"""SQL of plans and tasks: a plan or task as its caller may see it, the plan opened (or
locked) and its tasks inserted once per problem, filtered lists, counts, completion rates,
org names."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, null, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap, keyset_after

from rectification.access.policy import Access
from rectification.access.repository import visible_plans, visible_tasks
from rectification.models import ASSIGNMENTS, ORGS
from rectification.plans.models import Plan, Task


@dataclass(frozen=True)
class TaskFilter:
    """Filters of the task list and the ledger export."""

    plan_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    term_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    statuses: Sequence[str] = ()
    kinds: Sequence[str] = ()
    category: str | None = None
    owner_account: str | None = None
    livelihood: bool | None = None
    overdue: bool | None = None
    today: date | None = None
    extra: list[Any] = field(default_factory=list)


def _rounds_of_term(term_id: uuid.UUID) -> Any:
    r = ASSIGNMENTS.rounds
    return select(r.c.id).where(r.c.term_id == term_id)


def task_conditions(access: Access, where: TaskFilter) -> list[Any]:
    """The SQL conditions of a filtered, authorized task list."""
    conditions: list[Any] = [visible_tasks(access)]
    if where.plan_id is not None:
        conditions.append(col(Task.plan_id) == where.plan_id)
    if where.round_id is not None:
        conditions.append(col(Task.round_id) == where.round_id)
    if where.term_id is not None:
        conditions.append(col(Task.round_id).in_(_rounds_of_term(where.term_id)))
    if where.org_id is not None:
        conditions.append(col(Task.org_id) == where.org_id)
    if where.statuses:
        conditions.append(col(Task.status).in_(where.statuses))
    if where.kinds:
        conditions.append(col(Task.kind).in_(where.kinds))
    if where.category is not None:
        conditions.append(col(Task.category) == where.category)
    if where.owner_account is not None:
        conditions.append(col(Task.owner_account) == where.owner_account)
    if where.livelihood is not None:
        conditions.append(col(Task.livelihood).is_(where.livelihood))
    if where.overdue is not None and where.today is not None:
        late = and_(col(Task.status) != "accepted", col(Task.due_on) < where.today)
        conditions.append(late if where.overdue else ~late)
    return conditions + where.extra


async def list_tasks(
    session: AsyncSession,
    *,
    access: Access,
    where: TaskFilter,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int | None,
) -> tuple[list[Task], int]:
    """A page of tasks in the order they were opened, and how many match."""
    conditions = task_conditions(access, where)
    total = await count_up_to_cap(session, select(Task).where(*conditions))
    if after is not None:
        conditions.append(keyset_after(col(Task.opened_at), after[0], col(Task.id), after[1]))
    query: Select[Any] = select(Task).where(*conditions).order_by(col(Task.opened_at), col(Task.id))
    if limit is not None:
        query = query.limit(limit)
    return list(await session.scalars(query)), total


async def list_plans(
    session: AsyncSession,
    *,
    access: Access,
    round_id: uuid.UUID | None,
    org_id: uuid.UUID | None,
    statuses: Sequence[str],
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> tuple[list[Plan], int]:
    """A page of plans in the order they were opened, and how many match."""
    conditions: list[Any] = [visible_plans(access)]
    if round_id is not None:
        conditions.append(col(Plan.round_id) == round_id)
    if org_id is not None:
        conditions.append(col(Plan.org_id) == org_id)
    if statuses:
        conditions.append(col(Plan.status).in_(statuses))
    total = await count_up_to_cap(session, select(Plan).where(*conditions))
    if after is not None:
        conditions.append(keyset_after(col(Plan.opened_at), after[0], col(Plan.id), after[1]))
    rows = await session.scalars(
        select(Plan).where(*conditions).order_by(col(Plan.opened_at), col(Plan.id)).limit(limit)
    )
    return list(rows), total


async def plan_counts(
    session: AsyncSession, plan_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """(tasks, accepted) per plan."""
    if not plan_ids:
        return {}
    rows = await session.execute(
        select(
            col(Task.plan_id),
            func.count(),
            func.count().filter(col(Task.status) == "accepted"),
        )
        .where(col(Task.plan_id).in_(plan_ids))
        .group_by(col(Task.plan_id))
    )
    return {plan_id: (int(total), int(accepted)) for plan_id, total, accepted in rows}


async def org_names(session: AsyncSession, org_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of orgs from the local projection (missing ones are left out)."""
    if not org_ids:
        return {}
    rows = await session.execute(select(ORGS.c.id, ORGS.c.name).where(ORGS.c.id.in_(set(org_ids))))
    return {org_id: name for org_id, name in rows}


async def completion(
    session: AsyncSession, *, access: Access, where: TaskFilter, by: str
) -> list[tuple[str, str | None, int, int]]:
    """(key, name, total, accepted) per group of the visible tasks."""
    accepted = func.count().filter(col(Task.status) == "accepted")
    conditions = task_conditions(access, where)
    query: Any
    if by == "org":
        query = (
            select(col(Task.org_id), ORGS.c.name, func.count(), accepted)
            .select_from(Task)
            .outerjoin(ORGS, ORGS.c.id == col(Task.org_id))
            .group_by(col(Task.org_id), ORGS.c.name)
        )
    elif by == "round":
        r = ASSIGNMENTS.rounds
        query = (
            select(col(Task.round_id), r.c.name, func.count(), accepted)
            .select_from(Task)
            .outerjoin(r, r.c.id == col(Task.round_id))
            .group_by(col(Task.round_id), r.c.name)
        )
    elif by == "term":
        r = ASSIGNMENTS.rounds
        query = (
            select(r.c.term_id, null(), func.count(), accepted)
            .select_from(Task)
            .outerjoin(r, r.c.id == col(Task.round_id))
            .group_by(r.c.term_id)
        )
    else:
        query = select(
            col(Task.category), func.max(col(Task.category_name)), func.count(), accepted
        ).group_by(col(Task.category))
    rows = await session.execute(query.where(*conditions).order_by(None))
    out = [
        (str(key) if key is not None else "", name, int(total), int(done))
        for key, name, total, done in rows
    ]
    return sorted(out, key=lambda row: row[0])


async def visible_plan(
    session: AsyncSession, *, plan_id: uuid.UUID, access: Access, for_update: bool = False
) -> Plan | None:
    """The plan if the caller may see it (locked if asked)."""
    query = select(Plan).where(col(Plan.id) == plan_id, visible_plans(access))
    if for_update:
        query = query.with_for_update(of=Plan)
    return await session.scalar(query)


async def visible_task(
    session: AsyncSession, *, task_id: uuid.UUID, access: Access, for_update: bool = False
) -> Task | None:
    """The task if the caller may see it (locked if asked)."""
    query = select(Task).where(col(Task.id) == task_id, visible_tasks(access))
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def get_plan(session: AsyncSession, plan_id: uuid.UUID) -> Plan:
    """A task's plan (every task has one)."""
    plan = await session.get(Plan, plan_id)
    assert plan is not None
    return plan


async def tasks_of_plan(session: AsyncSession, plan_id: uuid.UUID) -> list[Task]:
    """The plan's tasks in the order they were opened."""
    rows = await session.scalars(
        select(Task).where(col(Task.plan_id) == plan_id).order_by(col(Task.opened_at), col(Task.id))
    )
    return list(rows)


async def open_plan(
    session: AsyncSession,
    *,
    jurisdiction: str,
    round_id: uuid.UUID,
    org_id: uuid.UUID,
    assignment_id: uuid.UUID,
    status: str,
    at: datetime,
) -> tuple[Plan, bool]:
    """The org's plan for the round, locked; created with ``status`` when missing. Returns
    whether this call created it."""
    table = Plan.__table__  # type: ignore[attr-defined]
    created = await session.scalar(
        insert(table)
        .values(
            id=uuid.uuid4(),
            jurisdiction=jurisdiction,
            round_id=round_id,
            org_id=org_id,
            assignment_id=assignment_id,
            status=status,
            opened_at=at,
            version=1,
            updated_at=at,
        )
        .on_conflict_do_nothing(constraint="uq_plans_round_org")
        .returning(table.c.id)
    )
    plan = await session.scalar(
        select(Plan)
        .where(col(Plan.round_id) == round_id, col(Plan.org_id) == org_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert plan is not None
    return plan, created is not None


async def insert_task(session: AsyncSession, plan: Plan, **values: object) -> uuid.UUID | None:
    """Insert an open task unless its problem has one; the new task's id, or None."""
    table = Task.__table__  # type: ignore[attr-defined]
    task_id: uuid.UUID | None = await session.scalar(
        insert(table)
        .values(
            id=uuid.uuid4(),
            plan_id=plan.id,
            jurisdiction=plan.jurisdiction,
            round_id=plan.round_id,
            org_id=plan.org_id,
            status="open",
            rejections=0,
            version=1,
            **values,
        )
        .on_conflict_do_nothing(index_elements=[table.c.problem_id])
        .returning(table.c.id)
    )
    return task_id


async def task_count(session: AsyncSession, plan_id: uuid.UUID) -> int:
    """How many tasks the plan holds."""
    return int(await session.scalar(select(func.count()).where(col(Task.plan_id) == plan_id)) or 0)

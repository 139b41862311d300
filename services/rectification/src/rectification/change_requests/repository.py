"""Change requests' SQL: a request as its caller may see it (the tasks he sees), the open
request of a task, the filtered ledger."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from rectification.access.policy import Access
from rectification.access.repository import visible_tasks
from rectification.change_requests.models import OPEN, ChangeRequest
from rectification.plans.models import Task


@dataclass(frozen=True)
class ChangeRequestFilter:
    """Filters of the change-request ledger and its export."""

    statuses: tuple[str, ...] = ()
    org_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None


def _visible(access: Access) -> Any:
    """Requests on the tasks the caller may see."""
    return col(ChangeRequest.task_id).in_(select(col(Task.id)).where(visible_tasks(access)))


def _conditions(access: Access, where: ChangeRequestFilter) -> list[Any]:
    conditions: list[Any] = [_visible(access)]
    if where.statuses:
        conditions.append(col(ChangeRequest.status).in_(where.statuses))
    for column, value in (
        (ChangeRequest.org_id, where.org_id),
        (ChangeRequest.round_id, where.round_id),
        (ChangeRequest.task_id, where.task_id),
    ):
        if value is not None:
            conditions.append(col(column) == value)
    return conditions


async def list_requests(
    session: AsyncSession,
    *,
    access: Access,
    where: ChangeRequestFilter,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int | None,
) -> tuple[list[ChangeRequest], int]:
    """A page of requests in the order they were filed, and how many match."""
    conditions = _conditions(access, where)
    total = await count_up_to_cap(session, select(ChangeRequest).where(*conditions))
    if after is not None:
        conditions.append(
            or_(
                col(ChangeRequest.filed_at) > after[0],
                and_(col(ChangeRequest.filed_at) == after[0], col(ChangeRequest.id) > after[1]),
            )
        )
    query: Select[Any] = (
        select(ChangeRequest)
        .where(*conditions)
        .order_by(col(ChangeRequest.filed_at), col(ChangeRequest.id))
    )
    if limit is not None:
        query = query.limit(limit)
    return list(await session.scalars(query)), total


async def visible_request(
    session: AsyncSession, *, request_id: uuid.UUID, access: Access, for_update: bool = False
) -> ChangeRequest | None:
    """The request if the caller may see it (locked if asked)."""
    query = select(ChangeRequest).where(col(ChangeRequest.id) == request_id, _visible(access))
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def open_request_of(session: AsyncSession, task_id: uuid.UUID) -> ChangeRequest | None:
    """The task's open request, if any."""
    return await session.scalar(
        select(ChangeRequest).where(
            col(ChangeRequest.task_id) == task_id, col(ChangeRequest.status) == OPEN
        )
    )


async def task_for_update(session: AsyncSession, task_id: uuid.UUID) -> Task:
    """A request's task, locked (every request has one)."""
    task = await session.scalar(select(Task).where(col(Task.id) == task_id).with_for_update())
    assert task is not None
    return task

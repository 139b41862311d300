"""The promotion check's one query, served by the partial indexes on unaccepted tasks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rectification.models import ORGS, ROSTER
from rectification.plans.models import Task

T = Task.__table__  # type: ignore[attr-defined]


def blocking_query(
    *,
    jurisdiction: str,
    today: date,
    account: str | None,
    person: str | None,
    org_id: uuid.UUID | None,
    member: Row[Any] | None = None,
) -> Select[Any]:
    """The one query of the check: unaccepted tasks past their deadline for the subject. A
    rostered person (``member``) owns the tasks he leads by his platform account and the
    tasks of his org that name him the person responsible."""
    query = (
        select(T, ORGS.c.name.label("org_name"))
        .select_from(T.outerjoin(ORGS, ORGS.c.id == T.c.org_id))
        .where(T.c.status != "accepted", T.c.due_on < today, T.c.jurisdiction == jurisdiction)
    )
    if member is not None:
        named = and_(T.c.org_id == member.org_id, T.c.responsible_person == member.name)
        if member.account is not None:
            named = or_(named, T.c.owner_account == member.account)
        query = query.where(named)
    elif account is not None:
        query = query.where(T.c.owner_account == account)
    elif person is not None:
        query = query.where(T.c.responsible_person == person)
    else:
        query = query.where(T.c.org_id == org_id)
    return query.order_by(T.c.due_on, T.c.id)


async def blocking_tasks(
    session: AsyncSession,
    *,
    jurisdiction: str,
    today: date,
    account: str | None,
    person: str | None,
    org_id: uuid.UUID | None,
    member: Row[Any] | None = None,
) -> Sequence[Row[Any]]:
    """The tasks (with their org's name) that block the subject's promotion."""
    rows = await session.execute(
        blocking_query(
            jurisdiction=jurisdiction,
            today=today,
            account=account,
            person=person,
            org_id=org_id,
            member=member,
        )
    )
    found: Sequence[Row[Any]] = rows.all()
    return found


async def roster_entry(
    session: AsyncSession, *, jurisdiction: str, member_id: uuid.UUID
) -> Row[Any] | None:
    """A roster entry of the jurisdiction (this service's projection)."""
    rows = await session.execute(
        select(ROSTER).where(ROSTER.c.id == member_id, ROSTER.c.jurisdiction == jurisdiction)
    )
    return rows.first()

"""Institutions built (建章立制): the org records a rule adopted because of a task's
problem; the office and the sector read them, counted per org and term."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.rectification import InstitutionBuilt, TaskKind
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Unprocessable
from xuncha_shared.workdays import local_day

from rectification.access.policy import Access, require_own_org
from rectification.institutions import repository
from rectification.institutions.models import Institution
from rectification.institutions.repository import InstitutionQuery
from rectification.institutions.schemas import (
    InstitutionCount,
    InstitutionCounts,
    InstitutionCreate,
)
from rectification.plans.models import Task


async def record_institution(
    session: AsyncSession, *, task: Task, data: InstitutionCreate, actor: Principal, now: datetime
) -> Institution:
    """The org records an institution built for one of its tasks; emits
    ``institution.built``."""
    require_own_org(actor, jurisdiction=task.jurisdiction, org_id=task.org_id)
    if data.adopted_on > local_day(now):
        raise Unprocessable(
            "出台日期不能晚于今天",
            "The adoption date cannot be in the future",
            field="adopted_on",
            code="future-date",
        )
    row = Institution(
        task_id=task.id,
        plan_id=task.plan_id,
        jurisdiction=task.jurisdiction,
        round_id=task.round_id,
        org_id=task.org_id,
        name=data.name,
        adopted_on=data.adopted_on,
        doc_number=data.doc_number,
        recorded_at=now,
        recorded_by=actor.subject,
    )
    session.add(row)
    await session.flush()
    await emit(
        session,
        InstitutionBuilt(
            jurisdiction=task.jurisdiction,
            task_id=task.id,
            plan_id=task.plan_id,
            problem_id=task.problem_id,
            round_id=task.round_id,
            org_id=task.org_id,
            kind=TaskKind(task.kind),
            institution_id=row.id,
            adopted_on=row.adopted_on,
        ),
    )
    return row


async def institutions(
    session: AsyncSession, *, access: Access, query: InstitutionQuery, limit: int
) -> list[Institution]:
    """The institutions the caller may see that the query asks for, by adoption date."""
    return await repository.institutions(session, access=access, query=query, limit=limit)


async def counts(
    session: AsyncSession, *, access: Access, term_id: uuid.UUID | None
) -> InstitutionCounts:
    """Institutions built per org (in a term, when asked), and their total."""
    rows = await repository.counts_by_org(session, access=access, term_id=term_id)
    orgs = [InstitutionCount(org_id=o, org_name=n, count=c) for o, n, c in rows]
    return InstitutionCounts(term_id=term_id, total=sum(o.count for o in orgs), orgs=orgs)

"""The SQL of reports: who sees which, the report list's count and keyset page, the problems
and orgs a report covers, and the township assignment a comprehensive report rests on."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal, Role
from xuncha_shared.events.findings import ReportKind

from findings.access.policy import OVERSIGHT
from findings.models import ASSIGNMENTS, ORGS
from findings.problems.models import Problem
from findings.reports.models import Report


def visibility(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the reports ``principal`` may read (oversight of the jurisdiction, the
    members of the report's group)."""
    parts: list[ColumnElement[bool]] = []
    if principal.has(*OVERSIGHT):
        parts.append(col(Report.jurisdiction) == principal.jurisdiction)
    if principal.has(Role.group):
        m = ASSIGNMENTS.members
        parts.append(
            col(Report.group_id).in_(select(m.c.group_id).where(m.c.account == principal.subject))
        )
    return or_(*parts) if parts else false()


async def count(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    """How many reports meet ``conditions``."""
    return int(
        await session.scalar(select(func.count()).select_from(Report).where(*conditions)) or 0
    )


async def visible_report(
    session: AsyncSession,
    report_id: uuid.UUID,
    visible: ColumnElement[bool],
    *,
    for_update: bool = False,
) -> Report | None:
    """The report, if ``visible`` lets the caller read it (locked for a change if asked)."""
    stmt = select(Report).where(col(Report.id) == report_id, visible)
    if for_update:
        stmt = stmt.with_for_update(of=Report)
    return (await session.scalars(stmt)).first()


async def orgs_under(session: AsyncSession, org_id: uuid.UUID) -> list[uuid.UUID]:
    """The orgs whose parent is ``org_id`` (a township's villages and communities)."""
    return list(await session.scalars(select(ORGS.c.id).where(ORGS.c.parent_id == org_id)))


async def problems_of_assignment(
    session: AsyncSession, assignment_id: uuid.UUID | None
) -> list[Problem]:
    """An assignment's problems, by category then recording time."""
    return list(
        await session.scalars(
            select(Problem)
            .where(col(Problem.assignment_id) == assignment_id)
            .order_by(col(Problem.category), col(Problem.created_at))
        )
    )


async def problems_of_round_orgs(
    session: AsyncSession, round_id: uuid.UUID, org_ids: Sequence[uuid.UUID]
) -> list[Problem]:
    """A round's problems on the given orgs, by category then recording time."""
    return list(
        await session.scalars(
            select(Problem)
            .where((col(Problem.round_id) == round_id) & col(Problem.org_id).in_(org_ids))
            .order_by(col(Problem.category), col(Problem.created_at))
        )
    )


async def township_assignment(
    session: AsyncSession, round_id: uuid.UUID, township_org_id: uuid.UUID
) -> uuid.UUID | None:
    """The active assignment of the round on the township, if any."""
    a = ASSIGNMENTS.assignments
    found: uuid.UUID | None = await session.scalar(
        select(a.c.id).where(
            a.c.round_id == round_id,
            a.c.org_id == township_org_id,
            a.c.org_kind == "township",
            a.c.active.is_(True),
        )
    )
    return found


async def existing_report(
    session: AsyncSession,
    *,
    kind: ReportKind,
    assignment_id: uuid.UUID | None,
    round_id: uuid.UUID,
    org_id: uuid.UUID,
) -> uuid.UUID | None:
    """The id of the report of this kind on the assignment (or, for a comprehensive report,
    on the round's township), if one exists."""
    found: uuid.UUID | None = await session.scalar(
        select(col(Report.id)).where(
            col(Report.kind) == kind.value,
            (col(Report.assignment_id) == assignment_id)
            if assignment_id
            else ((col(Report.round_id) == round_id) & (col(Report.org_id) == org_id)),
        )
    )
    return found


async def org_names(session: AsyncSession, org_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The projected orgs' names by id."""
    return dict(
        (await session.execute(select(ORGS.c.id, ORGS.c.name).where(ORGS.c.id.in_(org_ids)))).all()
    )


async def page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Report]:
    """Up to ``limit`` reports after the key ``after``, by creation time then id."""
    where = list(conditions)
    if after is not None:
        where.append(tuple_(col(Report.created_at), col(Report.id)) > tuple_(after[0], after[1]))
    return list(
        await session.scalars(
            select(Report)
            .where(*where)
            .order_by(col(Report.created_at), col(Report.id))
            .limit(limit)
        )
    )

"""All SQL of the pre-inspection consultation."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    and_,
    exists,
    false,
    func,
    or_,
    select,
    text,
    true,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from planning.consultation.access import Access
from planning.consultation.models import Consultation, ConsultationOrg, ConsultationSettings
from planning.models import Assignment, Cadre, GroupMember, Org, Round

Department = aliased(Org, name="department")
PENDING = "pending"


# --- who sees what (see ``access``) -------------------------------------------------------


def member_of(access: Access, round_id: Any) -> ColumnElement[bool]:
    """The caller's cadre record is in a group of the round."""
    return exists(
        select(col(GroupMember.cadre_id))
        .join(Cadre, col(Cadre.id) == col(GroupMember.cadre_id))
        .where(
            col(GroupMember.round_id) == round_id,
            col(Cadre.account) == access.account,
            col(Cadre.jurisdiction) == access.jurisdiction,
        )
    )


def own_department(access: Access) -> ColumnElement[bool]:
    return and_(
        col(Consultation.jurisdiction) == access.jurisdiction,
        col(Consultation.department_org_id) == access.department_org_id,
    )


def visible_consultations(access: Access) -> ColumnElement[bool]:
    """The consultations the caller may see."""
    clauses: list[ColumnElement[bool]] = []
    if access.everything:
        clauses.append(col(Consultation.jurisdiction) == access.jurisdiction)
    if access.department_org_id is not None:
        clauses.append(own_department(access))
    if access.account is not None:
        clauses.append(member_of(access, col(Consultation.round_id)))
    return or_(*clauses) if clauses else false()


@dataclass(frozen=True)
class Progress:
    """A consultation's orgs (in org code order) and which of them are answered."""

    org_ids: list[uuid.UUID]
    unanswered: list[uuid.UUID]

    @property
    def answered_count(self) -> int:
        return len(self.org_ids) - len(self.unanswered)


# --- settings -------------------------------------------------------------------------------


async def lock_settings(session: AsyncSession, jurisdiction: str) -> None:
    """Serialise writers of a jurisdiction's settings: a row lock cannot cover a row that
    does not exist yet."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"planning.consultation_settings:{jurisdiction}"},
    )


async def get_settings(session: AsyncSession, jurisdiction: str) -> ConsultationSettings | None:
    return await session.get(ConsultationSettings, jurisdiction, populate_existing=True)


# --- rounds and orgs ------------------------------------------------------------------------


async def get_round(session: AsyncSession, round_id: uuid.UUID) -> Round | None:
    return await session.get(Round, round_id)


async def get_org(session: AsyncSession, org_id: uuid.UUID) -> Org | None:
    return await session.get(Org, org_id)


async def assigned_org_ids(session: AsyncSession, round_id: uuid.UUID) -> list[uuid.UUID]:
    """The orgs assigned in a round, in org code order."""
    stmt = (
        select(col(Assignment.org_id))
        .join(Org, col(Org.id) == col(Assignment.org_id))
        .where(col(Assignment.round_id) == round_id)
        .order_by(col(Org.code))
    )
    return list((await session.execute(stmt)).scalars())


async def orgs_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Org]:
    stmt = select(Org).where(col(Org.id).in_(ids))
    return {o.id: o for o in (await session.execute(stmt)).scalars()}


async def already_asked(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    department_org_id: uuid.UUID,
    org_ids: Sequence[uuid.UUID],
) -> list[uuid.UUID]:
    """Orgs of ``org_ids`` that an unclosed consultation of the round already asks the
    department about."""
    stmt = (
        select(col(ConsultationOrg.org_id))
        .join(Consultation, col(Consultation.id) == col(ConsultationOrg.consultation_id))
        .where(
            col(Consultation.round_id) == round_id,
            col(Consultation.department_org_id) == department_org_id,
            col(Consultation.status) != "closed",
            col(ConsultationOrg.org_id).in_(org_ids),
        )
    )
    return list((await session.execute(stmt)).scalars())


# --- consultations --------------------------------------------------------------------------


async def get_consultation(
    session: AsyncSession,
    consultation_id: uuid.UUID,
    *,
    access: Access | None = None,
    for_update: bool = False,
) -> Consultation | None:
    """A consultation; with ``access``, only if the caller may see it."""
    stmt = select(Consultation).where(col(Consultation.id) == consultation_id)
    if access is not None:
        stmt = stmt.where(visible_consultations(access))
    if for_update:
        stmt = stmt.with_for_update()
    return (
        await session.execute(stmt.execution_options(populate_existing=True))
    ).scalar_one_or_none()


async def progress(
    session: AsyncSession, consultation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Progress]:
    """The orgs of each consultation and which are still unanswered."""
    stmt = (
        select(
            col(ConsultationOrg.consultation_id),
            col(ConsultationOrg.org_id),
            col(ConsultationOrg.answered_at),
        )
        .join(Org, col(Org.id) == col(ConsultationOrg.org_id))
        .where(col(ConsultationOrg.consultation_id).in_(consultation_ids))
        .order_by(col(Org.code))
    )
    orgs: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    open_: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for cid, org_id, answered_at in await session.execute(stmt):
        orgs[cid].append(org_id)
        if answered_at is None:
            open_[cid].append(org_id)
    return {cid: Progress(org_ids=orgs[cid], unanswered=open_[cid]) for cid in consultation_ids}


async def department_names(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    stmt = select(col(Org.id), col(Org.name)).where(col(Org.id).in_(ids))
    return {i: n for i, n in await session.execute(stmt)}


@dataclass(frozen=True)
class ConsultationFilter:
    round_id: uuid.UUID | None = None
    department_org_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    statuses: Sequence[str] = ()
    overdue: bool | None = None


async def list_consultations(
    session: AsyncSession,
    *,
    access: Access,
    where: ConsultationFilter,
    now: datetime,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> tuple[list[Consultation], int]:
    """A page, newest first, and the total matching count."""
    conditions: list[ColumnElement[bool]] = [visible_consultations(access)]
    if where.round_id is not None:
        conditions.append(col(Consultation.round_id) == where.round_id)
    if where.department_org_id is not None:
        conditions.append(col(Consultation.department_org_id) == where.department_org_id)
    if where.statuses:
        conditions.append(col(Consultation.status).in_(where.statuses))
    if where.org_id is not None:
        conditions.append(
            exists().where(
                col(ConsultationOrg.consultation_id) == col(Consultation.id),
                col(ConsultationOrg.org_id) == where.org_id,
            )
        )
    if where.overdue is not None:
        late = (col(Consultation.status) == PENDING) & (col(Consultation.deadline_at) < now)
        conditions.append(late if where.overdue else ~late)
    total = await count_up_to_cap(session, select(Consultation).where(*conditions))
    stmt = select(Consultation).where(*conditions)
    if after is not None:
        stmt = stmt.where(tuple_(col(Consultation.sent_at), col(Consultation.id)) < tuple_(*after))
    stmt = stmt.order_by(col(Consultation.sent_at).desc(), col(Consultation.id).desc()).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


# --- reminders ------------------------------------------------------------------------------


async def claim_for_reminder(
    session: AsyncSession, *, now: datetime, overdue: bool, limit: int
) -> list[Consultation]:
    """Pending consultations owed a reminder for their current deadline, locked; rows
    another run is handling are skipped, and once marked they no longer match."""
    if overdue:
        due = col(Consultation.deadline_at) < now
        marker = col(Consultation.overdue_notified_for)
    else:
        due = (col(Consultation.remind_at) <= now) & (col(Consultation.deadline_at) >= now)
        marker = col(Consultation.due_soon_notified_for)
    stmt = (
        select(Consultation)
        .where(
            col(Consultation.status) == PENDING,
            due,
            marker.is_distinct_from(col(Consultation.deadline_at)),
        )
        .order_by(col(Consultation.deadline_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


# --- priorities -----------------------------------------------------------------------------


async def priorities(
    session: AsyncSession,
    *,
    term_id: uuid.UUID,
    jurisdiction: str,
    include_minor: bool,
    awaiting: bool | None,
    after: tuple[int, int, str] | None,
    limit: int,
) -> tuple[list[Row[Any]], int]:
    """Orgs with serious answers (and, with ``include_minor``, minor ones) in consultations
    of the term's rounds, most serious first; with the total count. Both counts are always
    given."""
    serious = func.count().filter(col(ConsultationOrg.severity) == "serious")
    minor = func.count().filter(col(ConsultationOrg.severity) == "minor")
    agg = (
        select(
            col(ConsultationOrg.org_id).label("org_id"),
            serious.label("serious"),
            minor.label("minor"),
            func.array_agg(func.distinct(col(Consultation.department_org_id))).label("departments"),
            func.max(col(ConsultationOrg.updated_at)).label("last_answered_at"),
        )
        .join(Consultation, col(Consultation.id) == col(ConsultationOrg.consultation_id))
        .join(Round, col(Round.id) == col(Consultation.round_id))
        .where(
            col(Round.term_id) == term_id,
            col(Consultation.jurisdiction) == jurisdiction,
            col(ConsultationOrg.severity).in_(["serious", "minor"]),
        )
        .group_by(col(ConsultationOrg.org_id))
        .having(serious > 0 if not include_minor else true())
        .subquery()
    )
    assigned = exists(
        select(col(Assignment.id))
        .join(Round, col(Round.id) == col(Assignment.round_id))
        .where(col(Assignment.org_id) == agg.c.org_id, col(Round.term_id) == term_id)
    )
    conditions: list[ColumnElement[bool]] = []
    if awaiting is not None:
        conditions.append(~assigned if awaiting else assigned)
    base = select(agg, col(Org.code), col(Org.name), col(Org.kind)).join(
        Org, col(Org.id) == agg.c.org_id
    )
    total = int(
        await session.scalar(select(func.count()).select_from(base.where(*conditions).subquery()))
        or 0
    )
    key = tuple_(-agg.c.serious, -agg.c.minor, col(Org.code))
    if after is not None:
        conditions.append(key > tuple_(*after))
    stmt = (
        base.where(*conditions)
        .order_by(agg.c.serious.desc(), agg.c.minor.desc(), col(Org.code))
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def assigned_rounds(
    session: AsyncSession, *, term_id: uuid.UUID, org_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """For each org, the rounds of the term it is assigned in, in round order."""
    stmt = (
        select(col(Assignment.org_id), col(Assignment.round_id))
        .join(Round, col(Round.id) == col(Assignment.round_id))
        .where(col(Round.term_id) == term_id, col(Assignment.org_id).in_(org_ids))
        .order_by(col(Round.number))
    )
    out: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for org_id, round_id in await session.execute(stmt):
        out[org_id].append(round_id)
    return out

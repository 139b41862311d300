"""SQL of the departments' answers: which (consultation, org) rows a caller sees, the answer
lists and one answer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, exists, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from planning.consultation.access import Access
from planning.consultation.models import Consultation, ConsultationOrg
from planning.consultation.repository import Department, own_department
from planning.models import Assignment, Cadre, GroupMember, Org


def visible_answers(access: Access) -> ColumnElement[bool]:
    """The (consultation, org) rows the caller may see: a group member only those about
    orgs assigned to his own group in the consultation's round."""
    clauses: list[ColumnElement[bool]] = []
    if access.everything:
        clauses.append(col(Consultation.jurisdiction) == access.jurisdiction)
    if access.department_org_id is not None:
        clauses.append(own_department(access))
    if access.account is not None:
        clauses.append(
            exists(
                select(col(Assignment.id))
                .join(GroupMember, col(GroupMember.group_id) == col(Assignment.group_id))
                .join(Cadre, col(Cadre.id) == col(GroupMember.cadre_id))
                .where(
                    col(Assignment.round_id) == col(Consultation.round_id),
                    col(Assignment.org_id) == col(ConsultationOrg.org_id),
                    col(Cadre.account) == access.account,
                    col(Cadre.jurisdiction) == access.jurisdiction,
                )
            )
        )
    return or_(*clauses) if clauses else false()


async def get_item(
    session: AsyncSession, consultation_id: uuid.UUID, org_id: uuid.UUID, *, for_update: bool
) -> ConsultationOrg | None:
    stmt = select(ConsultationOrg).where(
        col(ConsultationOrg.consultation_id) == consultation_id,
        col(ConsultationOrg.org_id) == org_id,
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (
        await session.execute(stmt.execution_options(populate_existing=True))
    ).scalar_one_or_none()


@dataclass(frozen=True)
class AnswerFilter:
    consultation_id: uuid.UUID | None = None
    round_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    department_org_id: uuid.UUID | None = None
    severities: Sequence[str] = ()
    answered: bool | None = None


def _answer_query(access: Access, where: AnswerFilter) -> tuple[Any, list[ColumnElement[bool]]]:
    conditions: list[ColumnElement[bool]] = [visible_answers(access)]
    pairs: list[tuple[Any, Any]] = [
        (col(ConsultationOrg.consultation_id), where.consultation_id),
        (col(Consultation.round_id), where.round_id),
        (col(ConsultationOrg.org_id), where.org_id),
        (col(Consultation.department_org_id), where.department_org_id),
    ]
    conditions += [column == value for column, value in pairs if value is not None]
    if where.severities:
        conditions.append(col(ConsultationOrg.severity).in_(where.severities))
    if where.answered is not None:
        answered = col(ConsultationOrg.answered_at)
        conditions.append(answered.is_not(None) if where.answered else answered.is_(None))
    stmt = (
        select(ConsultationOrg, Consultation, Org, col(Department.name))
        .join(Consultation, col(Consultation.id) == col(ConsultationOrg.consultation_id))
        .join(Org, col(Org.id) == col(ConsultationOrg.org_id))
        .join(Department, col(Department.id) == col(Consultation.department_org_id))
    )
    return stmt, conditions


AnswerRow = Row[ConsultationOrg, Consultation, Org, str]


async def list_answers(
    session: AsyncSession,
    *,
    access: Access,
    where: AnswerFilter,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
) -> tuple[list[AnswerRow], int]:
    """Orgs of consultations with their answers, by org code, and the total count."""
    stmt, conditions = _answer_query(access, where)
    counted = select(func.count()).select_from(stmt.where(*conditions).subquery())
    total = int(await session.scalar(counted) or 0)
    if after is not None:
        conditions.append(
            tuple_(col(Org.code), col(ConsultationOrg.consultation_id)) > tuple_(*after)
        )
    stmt = (
        stmt.where(*conditions)
        .order_by(col(Org.code), col(ConsultationOrg.consultation_id))
        .limit(limit)
    )
    return list((await session.execute(stmt)).all()), total


async def get_answer_row(
    session: AsyncSession, *, access: Access, consultation_id: uuid.UUID, org_id: uuid.UUID
) -> AnswerRow | None:
    stmt, conditions = _answer_query(
        access, AnswerFilter(consultation_id=consultation_id, org_id=org_id)
    )
    return (await session.execute(stmt.where(*conditions))).first()

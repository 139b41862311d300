"""The departments' side of the consultation: answer per org, correct an answer, and who
reads answers. Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.planning import ConsultationAnswered, ConsultationSeverity
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.orgs import OrgKind
from xuncha_shared.problems import Conflict, NotFound, PreconditionRequired

from planning.consultation import repository
from planning.consultation.access import Access, answers_department
from planning.consultation.answers import repository as answers_repository
from planning.consultation.answers.repository import AnswerRow
from planning.consultation.models import Consultation, ConsultationOrg
from planning.consultation.schemas import AnswerRead, AnswerWrite, ConsultationStatus
from planning.consultation.service import get_consultation_for
from planning.models import Org


def answer_read(item: ConsultationOrg, c: Consultation, org: Org, department: str) -> AnswerRead:
    """The API view of one org of a consultation."""
    return AnswerRead(
        consultation_id=c.id,
        round_id=c.round_id,
        department_org_id=c.department_org_id,
        department_name=department,
        org_id=org.id,
        org_code=org.code,
        org_name=org.name,
        org_kind=OrgKind(org.kind),
        answered=item.answered_at is not None,
        severity=ConsultationSeverity(item.severity) if item.severity else None,
        text=item.text,
        petition_count=item.petition_count,
        clue_count=item.clue_count,
        version=item.version,
        answered_at=item.answered_at,
        answered_by=item.answered_by,
        entered_by_office=item.entered_by_office,
        updated_at=item.updated_at,
    )


def row_read(row: AnswerRow) -> AnswerRead:
    item, consultation, org, department = row
    return answer_read(item, consultation, org, department)


async def get_answer_for(
    session: AsyncSession, *, consultation_id: uuid.UUID, org_id: uuid.UUID, access: Access
) -> AnswerRead:
    """One org of a consultation as the caller may see it; else 404."""
    await get_consultation_for(session, consultation_id=consultation_id, access=access)
    row = await answers_repository.get_answer_row(
        session, access=access, consultation_id=consultation_id, org_id=org_id
    )
    if row is None:
        raise NotFound(
            "该对象不在本次函询中", "The org is not part of this consultation", field="org_id"
        )
    return row_read(row)


async def answer(
    session: AsyncSession,
    *,
    consultation_id: uuid.UUID,
    org_id: uuid.UUID,
    data: AnswerWrite,
    expected_version: int | None,
    access: Access,
    actor: Principal,
    now: datetime,
) -> tuple[AnswerRead, bool]:
    """Record the department's answer about one org, or correct it; returns the answer and
    whether it is the first. Emits ``consultation.answered`` (severity only, never the text)
    unless nothing changed.

    The department addressed answers (its system or its people); the office may enter an
    answer received on paper or at a meeting (书面通报、会议通报, 001). A correction needs the
    answer's ETag (``If-Match``); a closed consultation takes no more answers. The
    consultation row is locked, so the last answer moves it to ``answered`` exactly once.
    """
    consultation = await get_consultation_for(
        session, consultation_id=consultation_id, access=access, for_update=True
    )
    department = answers_department(actor, consultation)
    if not department and not actor.has(Role.office):
        raise Forbidden(
            "只有被函询部门可以答复", "Only the department asked may answer", code="not-addressee"
        )
    if consultation.status == ConsultationStatus.closed:
        raise Conflict(
            "函询已办结，不能再答复或更正",
            "The consultation is closed; answers can no longer be given or corrected",
            code="consultation-closed",
        )
    item = await answers_repository.get_item(session, consultation.id, org_id, for_update=True)
    if item is None:
        raise NotFound(
            "该对象不在本次函询中", "The org is not part of this consultation", field="org_id"
        )
    first = item.answered_at is None
    if first:
        if expected_version is not None:
            check_version(item.version, expected_version)
    else:
        if expected_version is None:
            raise PreconditionRequired(
                "该对象已答复，更正须带 If-Match 请求头（上次读取的 ETag）",
                "The org is answered; a correction needs If-Match with the ETag you read",
                field="If-Match",
            )
        check_version(item.version, expected_version)
    values = {
        "severity": data.severity.value,
        "text": data.text,
        "petition_count": data.petition_count,
        "clue_count": data.clue_count,
    }
    org = await repository.get_org(session, org_id)
    assert org is not None  # a foreign key
    names = await repository.department_names(session, [consultation.department_org_id])
    department_name = names.get(consultation.department_org_id, "")
    if not first and all(getattr(item, k) == v for k, v in values.items()):
        return answer_read(item, consultation, org, department_name), False
    for key, value in values.items():
        setattr(item, key, value)
    item.version += 1
    item.answered_at = item.answered_at or now
    item.answered_by = actor.subject
    item.entered_by_office = not department
    item.updated_at = now
    await session.flush()
    state = (await repository.progress(session, [consultation.id]))[consultation.id]
    if not state.unanswered and consultation.status == ConsultationStatus.pending:
        consultation.status = ConsultationStatus.answered.value
        consultation.completed_at = now
        consultation.version += 1
        consultation.updated_at = now
        await session.flush()
    await emit(
        session,
        ConsultationAnswered(
            jurisdiction=consultation.jurisdiction,
            consultation_id=consultation.id,
            round_id=consultation.round_id,
            department_org_id=consultation.department_org_id,
            org_id=org_id,
            severity=data.severity,
            revision=item.version,
            answered_count=state.answered_count,
            org_count=len(state.org_ids),
            all_answered=not state.unanswered,
        ),
    )
    return answer_read(item, consultation, org, department_name), first

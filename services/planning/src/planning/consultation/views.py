"""The API's read model of consultations: each row with its progress (orgs asked and
answered) and its department's name, and whether it is overdue at the time of reading."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.planning import ConsultationTopic

from planning.consultation import repository
from planning.consultation.models import Consultation
from planning.consultation.repository import Progress
from planning.consultation.schemas import ConsultationRead, ConsultationStatus


async def reads(
    session: AsyncSession, consultations: Sequence[Consultation], *, now: datetime
) -> list[ConsultationRead]:
    """The API view of consultations, with their progress and department names."""
    ids = [c.id for c in consultations]
    states = await repository.progress(session, ids)
    names = await repository.department_names(
        session, list({c.department_org_id for c in consultations})
    )
    return [_read(c, states[c.id], names.get(c.department_org_id, ""), now) for c in consultations]


def _read(
    c: Consultation, state: Progress, department_name: str, now: datetime
) -> ConsultationRead:
    return ConsultationRead(
        id=c.id,
        jurisdiction=c.jurisdiction,
        round_id=c.round_id,
        department_org_id=c.department_org_id,
        department_name=department_name,
        topics=[ConsultationTopic(t) for t in c.topics],
        note=c.note,
        org_ids=state.org_ids,
        org_count=len(state.org_ids),
        answered_count=state.answered_count,
        reply_workdays=c.reply_workdays,
        sent_at=c.sent_at,
        due_on=c.due_on,
        deadline_at=c.deadline_at,
        deadline_approximate=c.deadline_approximate,
        status=ConsultationStatus(c.status),
        overdue=c.status == ConsultationStatus.pending and now > c.deadline_at,
        completed_at=c.completed_at,
        closed_at=c.closed_at,
        chase_count=c.chase_count,
        chased_at=c.chased_at,
        version=c.version,
        created_by=c.created_by,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )

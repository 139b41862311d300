"""Time-based facts of the consultation: due soon and overdue (ARCHITECTURE.md, "Delivery
guarantees": emitted once, by the service that owns the deadline)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.planning import ConsultationDueSoon, ConsultationOverdue
from xuncha_shared.messaging import emit

from planning.consultation import repository

BATCH = 200


async def remind_consultations(session: AsyncSession, now: datetime) -> None:
    """Emit ``consultation.due_soon`` and ``consultation.overdue`` for pending consultations
    whose reminder time or deadline has come.

    Each is emitted once per consultation and deadline: the deadline it was emitted for is
    written to the row in the same transaction as the outbox row, so a rerun (or a second
    replica, which skips locked rows) finds nothing left to do. An extension sets a new
    deadline, and so re-arms both.
    """
    for overdue in (False, True):
        while batch := await repository.claim_for_reminder(
            session, now=now, overdue=overdue, limit=BATCH
        ):
            states = await repository.progress(session, [c.id for c in batch])
            for c in batch:
                state = states[c.id]
                cls = ConsultationOverdue if overdue else ConsultationDueSoon
                if overdue:
                    c.overdue_notified_for = c.deadline_at
                else:
                    c.due_soon_notified_for = c.deadline_at
                await emit(
                    session,
                    cls(
                        jurisdiction=c.jurisdiction,
                        consultation_id=c.id,
                        round_id=c.round_id,
                        department_org_id=c.department_org_id,
                        due_on=c.due_on,
                        deadline_at=c.deadline_at,
                        unanswered_org_ids=tuple(state.unanswered),
                        answered_count=state.answered_count,
                        org_count=len(state.org_ids),
                    ),
                )
            await session.flush()

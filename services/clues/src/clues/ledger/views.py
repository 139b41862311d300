"""The ledger as its readers see it: a clue's summary (where it stands and for how long,
never what it says) and its detail (the sealed content opened, the read audited)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.clues import ClueStatus, Disposal

from clues.audit import service as audit
from clues.crypto import Sealer
from clues.ledger import repository
from clues.ledger.access import Viewer
from clues.ledger.lifecycle import allowed_actions
from clues.ledger.models import Clue, ClueNote
from clues.ledger.schemas import (
    ClueCategory,
    ClueDetail,
    ClueSummary,
    NoteRead,
    OutcomeRead,
    PersonNamed,
    RecipientKind,
    ReviewRead,
)
from clues.ledger.stages import StageClock, stage_state


def summary(clue: Clue, clock: StageClock) -> ClueSummary:
    """A ledger row: where the clue stands and for how long, never what it says."""
    status = ClueStatus(clue.status)
    stage = stage_state(clue, clock)
    return ClueSummary(
        id=clue.id,
        jurisdiction=clue.jurisdiction,
        status=status,
        round_id=clue.round_id,
        term_id=clue.term_id,
        org_id=clue.org_id,
        group_id=clue.group_id,
        source_problem_id=clue.source_problem_id,
        source_report_id=clue.source_report_id,
        category=ClueCategory(clue.category),
        priority=clue.priority,
        keeper_account=clue.keeper_account,
        recipient_kind=RecipientKind(clue.recipient_kind) if clue.recipient_kind else None,
        recipient_org_id=clue.recipient_org_id,
        disposal=Disposal(clue.disposal) if clue.disposal else None,
        proposed_at=clue.proposed_at,
        reviewed_at=clue.reviewed_at,
        transferred_at=clue.transferred_at,
        receipt_due_on=clue.receipt_due_on,
        accepted_at=clue.accepted_at,
        concluded_at=clue.concluded_at,
        closed_at=clue.closed_at,
        version=clue.version,
        allowed_actions=[a.value for a in allowed_actions(status)],
        stage_since=stage.since,
        stage_age_workdays=stage.age_workdays,
        next_due_on=stage.next_due_on,
        overdue_stages=stage.overdue_stages,
        overdue=bool(stage.overdue_stages),
    )


def outcome_of(clue: Clue) -> OutcomeRead | None:
    if clue.concluded_at is None or clue.case_filed is None:
        return None
    return OutcomeRead(
        concluded_at=clue.concluded_at,
        disposal=Disposal(clue.disposal or Disposal.close.value),
        case_filed=clue.case_filed,
        persons_sanctioned=clue.persons_sanctioned or 0,
        persons_party_sanctioned=clue.persons_party_sanctioned,
        persons_government_sanctioned=clue.persons_government_sanctioned,
        organizational_handlings=clue.organizational_handlings or 0,
        first_form=clue.first_form or 0,
        second_form=clue.second_form or 0,
        third_form=clue.third_form or 0,
        fourth_form=clue.fourth_form or 0,
        money_recovered_yuan=clue.money_recovered_yuan or Decimal("0"),
    )


def opened(clue: Clue, sealer: Sealer) -> dict[str, Any]:
    return sealer.open(clue.sealed)


async def detail(
    session: AsyncSession,
    *,
    clue: Clue,
    who: Viewer,
    sealer: Sealer,
    clock: StageClock,
    now: datetime,
    audited: bool = True,
) -> ClueDetail:
    """The clue with its sealed content opened; the read is written to the audit log."""
    content = opened(clue, sealer)
    notes: Sequence[ClueNote] = await repository.notes_of(session, clue.id)
    review_read = None
    if clue.reviewed_at is not None and clue.reviewed_by is not None:
        review_read = ReviewRead(
            reviewed_at=clue.reviewed_at,
            reviewed_by=clue.reviewed_by,
            commission_leader=clue.commission_leader or "",
            office_reviewer=clue.office_reviewer or "",
            supervision_room=clue.supervision_room or "",
            suggested_disposal=Disposal(clue.suggested_disposal or Disposal.inquiry.value),
            suggested_form=clue.suggested_form or 1,
        )
    if audited:
        await audit.record(
            session,
            actor=who.principal,
            action="read",
            now=now,
            clue_id=clue.id,
            detail={"status": clue.status, "version": clue.version},
        )
    return ClueDetail(
        **summary(clue, clock).model_dump(),
        person=PersonNamed.model_validate(content["person"]),
        allegation=content["allegation"],
        evidence=content["evidence"],
        amount_yuan=clue.amount_yuan,
        proposed_by=clue.proposed_by,
        review=review_read,
        received_by_name=clue.received_by_name,
        progress_count=clue.progress_count,
        first_progress_at=clue.first_progress_at,
        last_progress_at=clue.last_progress_at,
        outcome=outcome_of(clue),
        notes=[
            NoteRead(
                kind=n.kind,
                text=sealer.open_text(n.sealed),
                written_by=n.written_by,
                written_at=n.written_at,
            )
            for n in notes
        ],
    )

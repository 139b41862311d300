"""The receiving department's side: receipt (签收), return for more material, disposal,
progress and outcome. Keyword-only arguments; flush, never commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.clues import (
    ClueAccepted,
    ClueConcluded,
    ClueDisposalChosen,
    ClueProgressReported,
    ClueReturned,
    ClueStatus,
    Disposal,
)
from xuncha_shared.problems import Unprocessable

from clues.crypto import Sealer
from clues.ledger.access import Viewer, require_recipient
from clues.ledger.lifecycle import ClueAction, move
from clues.ledger.models import Clue
from clues.ledger.service import add_note, changed, locked
from clues.recipient.schemas import (
    DisposalWrite,
    OutcomeWrite,
    ProgressWrite,
    ReceiptWrite,
    ReturnWrite,
)


async def _for_recipient(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    who: Viewer,
    expected_version: int,
    action: ClueAction,
    what: tuple[str, str],
) -> Clue:
    clue = await locked(session, clue_id=clue_id, who=who, expected_version=expected_version)
    require_recipient(who, clue, *what)
    clue.status = move(ClueStatus(clue.status), action).value
    return clue


async def acknowledge(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: ReceiptWrite,
    who: Viewer,
    expected_version: int,
    now: datetime,
) -> Clue:
    """签收: the department's system acknowledges receipt (who, when)."""
    clue = await _for_recipient(
        session,
        clue_id=clue_id,
        who=who,
        expected_version=expected_version,
        action=ClueAction.receipt,
        what=("签收线索", "acknowledge receipt"),
    )
    at = data.received_at or now
    if at > now or (clue.transferred_at is not None and at < clue.transferred_at):
        raise Unprocessable(
            "签收时间应在移交之后、当前时间之前",
            "Receipt must fall between the transfer and now",
            field="received_at",
            code="bad-receipt-time",
        )
    clue.accepted_at, clue.accepted_by, clue.received_by_name = (
        at,
        who.principal.subject,
        data.received_by,
    )
    await changed(
        session,
        clue=clue,
        action=ClueAction.receipt,
        who=who,
        now=now,
        event=ClueAccepted,
        event_fields={"accepted_at": at},
    )
    return clue


async def return_clue(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: ReturnWrite,
    who: Viewer,
    expected_version: int,
    sealer: Sealer,
    now: datetime,
) -> Clue:
    """退回补充材料: back to the office, which reviews it again."""
    clue = await _for_recipient(
        session,
        clue_id=clue_id,
        who=who,
        expected_version=expected_version,
        action=ClueAction.return_,
        what=("退回线索", "return clues"),
    )
    clue.returned_at = now
    clue.return_count += 1
    await add_note(
        session,
        clue=clue,
        kind="return",
        text=data.reason,
        by=who.principal.subject,
        sealer=sealer,
        now=now,
    )
    await changed(
        session, clue=clue, action=ClueAction.return_, who=who, now=now, event=ClueReturned
    )
    return clue


async def choose_disposal(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: DisposalWrite,
    who: Viewer,
    expected_version: int,
    now: datetime,
) -> Clue:
    clue = await _for_recipient(
        session,
        clue_id=clue_id,
        who=who,
        expected_version=expected_version,
        action=ClueAction.disposal,
        what=("确定处置方式", "choose the disposal"),
    )
    clue.disposal, clue.disposal_at = data.disposal.value, now
    await changed(
        session,
        clue=clue,
        action=ClueAction.disposal,
        who=who,
        now=now,
        event=ClueDisposalChosen,
        event_fields={"disposal": data.disposal},
        detail={"disposal": data.disposal.value},
    )
    return clue


async def report_progress(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: ProgressWrite,
    who: Viewer,
    expected_version: int,
    sealer: Sealer,
    now: datetime,
) -> Clue:
    clue = await _for_recipient(
        session,
        clue_id=clue_id,
        who=who,
        expected_version=expected_version,
        action=ClueAction.progress,
        what=("报送进展", "report progress"),
    )
    if clue.first_progress_at is None:
        clue.first_progress_at = now
    clue.last_progress_at = now
    clue.progress_count += 1
    await add_note(
        session,
        clue=clue,
        kind="progress",
        text=data.note,
        by=who.principal.subject,
        sealer=sealer,
        now=now,
    )
    await changed(
        session,
        clue=clue,
        action=ClueAction.progress,
        who=who,
        now=now,
        event=ClueProgressReported,
        event_fields={"reported_at": now},
    )
    return clue


async def report_outcome(
    session: AsyncSession,
    *,
    clue_id: uuid.UUID,
    data: OutcomeWrite,
    who: Viewer,
    expected_version: int,
    sealer: Sealer,
    now: datetime,
) -> Clue:
    """办结: the outcome in counts; the clue can then be closed (销号) by the office."""
    clue = await _for_recipient(
        session,
        clue_id=clue_id,
        who=who,
        expected_version=expected_version,
        action=ClueAction.outcome,
        what=("报送办理结果", "report the outcome"),
    )
    if data.case_filed and clue.disposal != Disposal.case.value:
        # A case filed means the disposal was a case review, whatever was chosen first.
        clue.disposal = Disposal.case.value
    clue.concluded_at = now
    clue.case_filed = data.case_filed
    clue.persons_sanctioned = data.persons_sanctioned
    clue.persons_party_sanctioned = data.persons_party_sanctioned
    clue.persons_government_sanctioned = data.persons_government_sanctioned
    clue.organizational_handlings = data.organizational_handlings
    clue.first_form, clue.second_form = data.first_form, data.second_form
    clue.third_form, clue.fourth_form = data.third_form, data.fourth_form
    clue.money_recovered_yuan = data.money_recovered_yuan
    if data.note:
        await add_note(
            session,
            clue=clue,
            kind="outcome",
            text=data.note,
            by=who.principal.subject,
            sealer=sealer,
            now=now,
        )
    await changed(
        session,
        clue=clue,
        action=ClueAction.outcome,
        who=who,
        now=now,
        event=ClueConcluded,
        event_fields={
            "disposal": Disposal(clue.disposal or Disposal.close.value),
            "case_filed": data.case_filed,
            "persons_sanctioned": data.persons_sanctioned,
            "organizational_handlings": data.organizational_handlings,
            "first_form": data.first_form,
            "second_form": data.second_form,
            "third_form": data.third_form,
            "fourth_form": data.fourth_form,
            "money_recovered_yuan": data.money_recovered_yuan,
            "concluded_at": now,
        },
        detail={"case_filed": data.case_filed, "persons_sanctioned": data.persons_sanctioned},
    )
    return clue

"""The receiving department's side: receipt (签收), return for more material, disposal,
progress and outcome; and the reconciliation of its ledger with the office's. Keyword-only
arguments; flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Forbidden
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
from clues.ledger.lifecycle import WITH_RECIPIENT, ClueAction, move
from clues.ledger.models import Clue
from clues.ledger.service import add_note, changed, locked
from clues.recipient.models import RecipientLedger
from clues.recipient.schemas import (
    Difference,
    DifferenceKind,
    DisposalWrite,
    LedgerEntry,
    LedgerPost,
    OutcomeWrite,
    ProgressWrite,
    ReceiptWrite,
    ReconciliationReport,
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


# --- reconciliation ------------------------------------------------------------------------


def _department_of(who: Viewer) -> uuid.UUID:
    if who.recipient_org_id is None:
        raise Forbidden(
            "只有承办部门（须注明所属单位）可以报送部门台账",
            "Only a receiving department (with its org in the token) posts its ledger",
        )
    return who.recipient_org_id


async def post_ledger(
    session: AsyncSession, *, data: LedgerPost, who: Viewer, now: datetime
) -> RecipientLedger:
    """Keep the department's latest ledger (replacing the previous one)."""
    org = _department_of(who)
    seen: set[uuid.UUID] = set()
    for i, entry in enumerate(data.entries):
        if entry.clue_id in seen:
            raise Unprocessable(
                "部门台账中同一线索重复出现",
                "A clue appears twice in the ledger",
                field=f"entries.{i}.clue_id",
                code="duplicate-entry",
            )
        seen.add(entry.clue_id)
    row = await session.get(
        RecipientLedger, (org, who.principal.jurisdiction), with_for_update=True
    )
    entries = [e.model_dump(mode="json") for e in data.entries]
    if row is None:
        row = RecipientLedger(
            recipient_org_id=org,
            jurisdiction=who.principal.jurisdiction,
            entries=entries,
            posted_by=who.principal.subject,
            posted_at=now,
        )
        session.add(row)
    else:
        row.entries, row.posted_by, row.posted_at = entries, who.principal.subject, now
    await session.flush()
    return row


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def compare(
    recipient_org_id: uuid.UUID, clues: Sequence[Clue], ledger: RecipientLedger | None
) -> ReconciliationReport:
    """The differences between what the office transferred to a department and the
    department's own ledger (pure: tested without a database)."""
    entries = [LedgerEntry.model_validate(e) for e in (ledger.entries if ledger else [])]
    theirs = {e.clue_id: e for e in entries}
    ours = {c.id: c for c in clues}
    differences: list[Difference] = []
    matched = 0
    for clue_id, clue in ours.items():
        entry = theirs.get(clue_id)
        if entry is None:
            differences.append(
                Difference(clue_id=clue_id, kind=DifferenceKind.missing_in_department)
            )
            continue
        pairs: list[tuple[str, object, object]] = [("status", clue.status, entry.status.value)]
        if entry.case_filed is not None or clue.case_filed is not None:
            pairs.append(("case_filed", clue.case_filed, entry.case_filed))
        if entry.persons_sanctioned is not None or clue.persons_sanctioned is not None:
            pairs.append(("persons_sanctioned", clue.persons_sanctioned, entry.persons_sanctioned))
        if entry.organizational_handlings is not None or clue.organizational_handlings is not None:
            pairs.append(
                (
                    "organizational_handlings",
                    clue.organizational_handlings,
                    entry.organizational_handlings,
                )
            )
        if entry.money_recovered_yuan is not None or clue.money_recovered_yuan is not None:
            pairs.append(
                ("money_recovered_yuan", clue.money_recovered_yuan, entry.money_recovered_yuan)
            )
        diffs = [
            Difference(
                clue_id=clue_id,
                kind=DifferenceKind.mismatch,
                field=name,
                office_value=_text(ours_v),
                department_value=_text(theirs_v),
            )
            for name, ours_v, theirs_v in pairs
            if _text(ours_v) != _text(theirs_v)
        ]
        differences += diffs
        matched += not diffs
    differences += [
        Difference(clue_id=e.clue_id, kind=DifferenceKind.unknown_to_office)
        for e in entries
        if e.clue_id not in ours
    ]
    return ReconciliationReport(
        recipient_org_id=recipient_org_id,
        posted_at=ledger.posted_at if ledger else None,
        posted_by=ledger.posted_by if ledger else None,
        office_count=len(ours),
        department_count=len(entries),
        matched=matched,
        differences=differences,
    )


async def reconciliation(
    session: AsyncSession, *, who: Viewer, recipient_org_id: uuid.UUID | None
) -> ReconciliationReport:
    """Both sides read the same report: the office names the department, a department
    gets its own."""
    if who.keeper:
        if recipient_org_id is None:
            raise Unprocessable(
                "请指定承办部门",
                "Name the receiving department",
                field="recipient_org_id",
                code="recipient-required",
            )
        org = recipient_org_id
    else:
        org = _department_of(who)
        if recipient_org_id is not None and recipient_org_id != org:
            raise Forbidden("只能查看本单位的对账结果", "You may only see your own reconciliation")
    j = who.principal.jurisdiction
    clues = (
        await session.scalars(
            select(Clue).where(
                col(Clue.jurisdiction) == j,
                col(Clue.recipient_org_id) == org,
                col(Clue.status).in_([s.value for s in WITH_RECIPIENT]),
            )
        )
    ).all()
    ledger = await session.get(RecipientLedger, (org, j))
    return compare(org, clues, ledger)

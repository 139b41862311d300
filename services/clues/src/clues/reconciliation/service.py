"""The reconciliation (对账) of a receiving department's own ledger with the office's:
the department posts its ledger, both sides read the differences. Keyword-only arguments;
flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden
from xuncha_shared.problems import Unprocessable

from clues.audit import service as audit
from clues.ledger.access import Viewer
from clues.ledger.models import Clue
from clues.reconciliation import repository
from clues.reconciliation.models import RecipientLedger
from clues.reconciliation.schemas import (
    Difference,
    DifferenceKind,
    LedgerEntry,
    LedgerPost,
    ReconciliationReport,
)


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
    """Keep the department's latest ledger (replacing the previous one); audited."""
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
    row = await repository.ledger_of(
        session, recipient_org_id=org, jurisdiction=who.principal.jurisdiction, for_update=True
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
    await audit.record(
        session,
        actor=who.principal,
        action="reconcile_post",
        now=now,
        detail={"recipient_org_id": str(org), "entries": len(data.entries)},
    )
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
    clues = await repository.transferred_to(session, recipient_org_id=org, jurisdiction=j)
    ledger = await repository.ledger_of(session, recipient_org_id=org, jurisdiction=j)
    return compare(org, clues, ledger)

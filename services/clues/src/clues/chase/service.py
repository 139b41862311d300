"""The chase's domain operations: a jurisdiction's handling limits (read, set) and the
monthly ledger review. Keyword-only arguments past the session; flush, never commit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import PreconditionFailed, PreconditionRequired

from clues.audit import service as audit
from clues.chase import repository
from clues.chase.models import DeadlineSettings
from clues.chase.review import ledger_review
from clues.chase.schemas import LedgerReview, LimitsRead, LimitsWrite
from clues.config import DeadlineDefaults


def limits_read(
    jurisdiction: str, row: DeadlineSettings | None, defaults: DeadlineDefaults
) -> LimitsRead:
    """The limits in force: the jurisdiction's own row, else the service's defaults."""
    if row is None:
        return LimitsRead(jurisdiction=jurisdiction, is_default=True, **defaults.model_dump())
    return LimitsRead(
        jurisdiction=jurisdiction,
        is_default=False,
        transfer_workdays=row.transfer_workdays,
        receipt_workdays=row.receipt_workdays,
        first_progress_workdays=row.first_progress_workdays,
        conclusion_workdays=row.conclusion_workdays,
        supervision_grace_workdays=row.supervision_grace_workdays,
        version=row.version,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


async def effective_limits(
    session: AsyncSession, *, jurisdiction: str, defaults: DeadlineDefaults
) -> LimitsRead:
    """The limits a jurisdiction's clues run on."""
    row = await repository.deadline_settings(session, jurisdiction)
    return limits_read(jurisdiction, row, defaults)


async def all_limits(session: AsyncSession, *, defaults: DeadlineDefaults) -> dict[str, LimitsRead]:
    """Every jurisdiction's own limits, by jurisdiction (the others run on the defaults)."""
    rows = await repository.all_deadline_settings(session)
    return {r.jurisdiction: limits_read(r.jurisdiction, r, defaults) for r in rows}


async def save_limits(
    session: AsyncSession,
    *,
    data: LimitsWrite,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> tuple[DeadlineSettings, bool]:
    """Create (no If-Match) or change (If-Match) the jurisdiction's limits; the row, and
    whether it was created."""
    j = actor.jurisdiction
    row = await repository.deadline_settings(session, j, for_update=True)
    created = row is None
    if row is None:
        if expected_version is not None:
            raise PreconditionFailed(
                "本辖区尚未设置线索办理期限，新设时不带 If-Match",
                "No limits exist yet; send no If-Match to create them",
                field="If-Match",
            )
        row = DeadlineSettings(
            jurisdiction=j, updated_at=now, updated_by=actor.subject, **data.model_dump()
        )
        session.add(row)
    else:
        if expected_version is None:
            raise PreconditionRequired(
                "修改期限设置须带 If-Match 请求头",
                "Changing the limits needs If-Match",
                field="If-Match",
            )
        check_version(row.version, expected_version)
        for k, v in data.model_dump().items():
            setattr(row, k, v)
        row.version += 1
        row.updated_at, row.updated_by = now, actor.subject
    await session.flush()
    return row, created


async def monthly_review(
    session: AsyncSession,
    *,
    actor: Principal,
    as_of: date,
    now: datetime,
    defaults: DeadlineDefaults,
) -> LedgerReview:
    """The office's monthly review of its open clues (每月集中梳理), written to the audit log."""
    limits = await effective_limits(session, jurisdiction=actor.jurisdiction, defaults=defaults)
    result = await ledger_review(
        session, jurisdiction=actor.jurisdiction, as_of=as_of, limits=limits
    )
    await audit.record(
        session,
        actor=actor,
        action="ledger_review",
        now=now,
        detail={"open": result.open_count},
    )
    return result

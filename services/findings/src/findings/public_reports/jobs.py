"""Forwarded reports whose reply is overdue: ``public_report.reply_overdue`` once each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.findings import PublicReportReplyOverdue
from xuncha_shared.messaging import emit
from xuncha_shared.workdays import local_day

from findings.public_reports import repository


async def chase_forwarded_replies(session: AsyncSession, now: datetime) -> None:
    """Emit the overdue fact for every forwarded report past its reply day (Beijing date)
    without a reply; the flag is set in the same transaction, and a second replica skips
    the locked rows, so each is emitted once."""
    today = local_day(now)
    rows = await repository.overdue_forwarded_for_update(session, today)
    for r in rows:
        assert r.forwarded_to_org_id is not None and r.reply_due_on is not None
        r.reply_overdue_emitted = True
        await emit(
            session,
            PublicReportReplyOverdue(
                jurisdiction=r.jurisdiction,
                report_id=r.id,
                round_id=r.round_id,
                forwarded_to_org_id=r.forwarded_to_org_id,
                reply_due_on=r.reply_due_on,
            ),
        )
    await session.flush()

"""Letters whose reply is overdue: ``letter.reply_overdue`` once each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.findings import LetterKind, LetterReplyOverdue
from xuncha_shared.messaging import emit
from xuncha_shared.workdays import local_day

from findings.letters import repository


async def chase_letter_replies(session: AsyncSession, now: datetime) -> None:
    """Emit ``letter.reply_overdue`` once per letter past its reply day without a reply."""
    today = local_day(now)
    rows = await repository.overdue_for_update(session, today)
    for x in rows:
        assert x.reply_due_on is not None
        x.overdue_emitted = True
        await emit(
            session,
            LetterReplyOverdue(
                jurisdiction=x.jurisdiction,
                letter_id=x.id,
                kind=LetterKind(x.kind),
                doc_number=x.doc_number,
                addressee_org_id=x.addressee_org_id,
                round_id=x.round_id,
                term_id=x.term_id,
                reply_due_on=x.reply_due_on,
            ),
        )
    await session.flush()

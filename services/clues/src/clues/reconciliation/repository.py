"""All SQL of the reconciliation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from clues.ledger.lifecycle import WITH_RECIPIENT
from clues.ledger.models import Clue
from clues.reconciliation.models import RecipientLedger


async def ledger_of(
    session: AsyncSession,
    *,
    recipient_org_id: uuid.UUID,
    jurisdiction: str,
    for_update: bool = False,
) -> RecipientLedger | None:
    """The ledger the department posted last, if any."""
    key = (recipient_org_id, jurisdiction)
    if for_update:
        return await session.get(RecipientLedger, key, with_for_update=True)
    return await session.get(RecipientLedger, key)


async def transferred_to(
    session: AsyncSession, *, recipient_org_id: uuid.UUID, jurisdiction: str
) -> Sequence[Clue]:
    """The clues the office transferred to the department and that are still with it."""
    stmt = select(Clue).where(
        col(Clue.jurisdiction) == jurisdiction,
        col(Clue.recipient_org_id) == recipient_org_id,
        col(Clue.status).in_([s.value for s in WITH_RECIPIENT]),
    )
    return (await session.scalars(stmt)).all()

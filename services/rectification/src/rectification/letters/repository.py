"""The interview letter's SQL: its card (locked) and the card's action deadlines."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from rectification.access.policy import Access
from rectification.access.repository import visible_plans
from rectification.cards.models import Card, CardAction
from rectification.plans.models import Plan


async def card_for_update(
    session: AsyncSession, *, card_id: uuid.UUID, access: Access
) -> Card | None:
    """The card, if the caller may see its plan, locked."""
    return await session.scalar(
        select(Card)
        .where(
            col(Card.id) == card_id,
            col(Card.plan_id).in_(select(col(Plan.id)).where(visible_plans(access))),
        )
        .with_for_update()
    )


async def action_deadlines(session: AsyncSession, card_id: uuid.UUID) -> dict[str, date]:
    """The card's supervision and interview deadlines, by kind."""
    rows = await session.scalars(select(CardAction).where(col(CardAction.card_id) == card_id))
    return {a.kind: a.due_on for a in rows}

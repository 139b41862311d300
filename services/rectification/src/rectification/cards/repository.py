"""SQL of cards: the filtered list and its count, a card as its caller may see it, the
actions of cards, and what the periodic review reads and locks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from rectification.access.policy import Access
from rectification.access.repository import visible_plans
from rectification.cards.models import Card, CardAction
from rectification.plans.models import Plan, Task


@dataclass(frozen=True)
class CardFilter:
    """Filters of the card list and its export."""

    access: Access
    round_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    color: str | None = None
    open_only: bool = False


def _visible(access: Access) -> Any:
    return col(Card.plan_id).in_(select(col(Plan.id)).where(visible_plans(access)))


def _conditions(where: CardFilter) -> list[Any]:
    conditions: list[Any] = [_visible(where.access)]
    if where.round_id is not None:
        conditions.append(col(Card.round_id) == where.round_id)
    if where.org_id is not None:
        conditions.append(col(Card.org_id) == where.org_id)
    if where.color is not None:
        conditions.append(col(Card.color) == where.color)
    if where.open_only:
        conditions.append(col(Card.lifted_at).is_(None))
    return conditions


async def list_cards(
    session: AsyncSession,
    where: CardFilter,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[Card]:
    """Cards, the latest raised first (then by id), after the cursor's key."""
    query = select(Card).where(*_conditions(where))
    if after is not None:
        at, last = after
        query = query.where(
            or_(
                col(Card.raised_at) < at,
                and_(col(Card.raised_at) == at, col(Card.id) > last),
            )
        )
    cards = await session.scalars(
        query.order_by(col(Card.raised_at).desc(), col(Card.id)).limit(limit)
    )
    return list(cards)


async def count_cards(session: AsyncSession, where: CardFilter) -> int:
    """How many cards match."""
    total = await session.scalar(select(func.count()).select_from(Card).where(*_conditions(where)))
    return int(total or 0)


async def visible_card(session: AsyncSession, *, card_id: uuid.UUID, access: Access) -> Card | None:
    """The card if the caller may see its plan."""
    return await session.scalar(select(Card).where(col(Card.id) == card_id, _visible(access)))


async def actions_of(session: AsyncSession, card_ids: Sequence[uuid.UUID]) -> list[CardAction]:
    """The cards' actions, by deadline and kind."""
    rows = await session.scalars(
        select(CardAction)
        .where(col(CardAction.card_id).in_(list(card_ids)))
        .order_by(col(CardAction.due_on), col(CardAction.kind))
    )
    return list(rows)


async def action_for_update(
    session: AsyncSession, *, card_id: uuid.UUID, action_id: uuid.UUID
) -> CardAction | None:
    """One of the card's actions, locked."""
    return await session.scalar(
        select(CardAction)
        .where(col(CardAction.id) == action_id, col(CardAction.card_id) == card_id)
        .with_for_update()
    )


async def plans_to_review(session: AsyncSession) -> list[Plan]:
    """Plans after feedback with an open card or an unaccepted task, locked one at a time:
    rows another replica holds are skipped."""
    open_card = exists().where(col(Card.plan_id) == col(Plan.id), col(Card.lifted_at).is_(None))
    unaccepted = exists().where(col(Task.plan_id) == col(Plan.id), col(Task.status) != "accepted")
    plans = await session.scalars(
        select(Plan)
        .where(col(Plan.feedback_at).is_not(None), or_(open_card, unaccepted))
        .order_by(col(Plan.id))
        .with_for_update(skip_locked=True)
    )
    return list(plans)


async def tasks_of_plans(session: AsyncSession, plan_ids: Sequence[uuid.UUID]) -> list[Task]:
    """Every task of the plans."""
    return list(await session.scalars(select(Task).where(col(Task.plan_id).in_(plan_ids))))


async def open_cards_of_plans(
    session: AsyncSession, plan_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Card]:
    """The open card of each plan that has one."""
    cards = await session.scalars(
        select(Card).where(col(Card.plan_id).in_(plan_ids), col(Card.lifted_at).is_(None))
    )
    return {c.plan_id: c for c in cards}

"""Cards as the office and the orgs read them, and the office's record of supervision or
an interview done. Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal
from xuncha_shared.events.rectification import CardColor
from xuncha_shared.problems import NotFound, Unprocessable
from xuncha_shared.workdays import local_day

from rectification.access.policy import Access
from rectification.cards import repository
from rectification.cards.models import Card
from rectification.cards.schemas import ActionDone, ActionRead, CardRead
from rectification.plans.repository import org_names


async def card_reads(session: AsyncSession, cards: list[Card]) -> list[CardRead]:
    """Cards with their org names and their actions."""
    actions: dict[uuid.UUID, list[ActionRead]] = {c.id: [] for c in cards}
    if cards:
        for a in await repository.actions_of(session, list(actions)):
            actions[a.card_id].append(ActionRead.model_validate(a))
    names = await org_names(session, [c.org_id for c in cards])
    return [
        CardRead(
            id=c.id,
            plan_id=c.plan_id,
            round_id=c.round_id,
            org_id=c.org_id,
            org_name=names.get(c.org_id),
            color=CardColor(c.color),
            reason_zh=c.reason_zh,
            raised_at=c.raised_at,
            escalated_at=c.escalated_at,
            lifted_at=c.lifted_at,
            actions=actions[c.id],
        )
        for c in cards
    ]


async def get_card(session: AsyncSession, *, card_id: uuid.UUID, access: Access) -> Card:
    """The card if the caller may see it, else 404."""
    card = await repository.visible_card(session, card_id=card_id, access=access)
    if card is None:
        raise NotFound("预警不存在或无权查看", "No such card", field="card_id")
    return card


async def record_action_done(
    session: AsyncSession,
    *,
    card: Card,
    action_id: uuid.UUID,
    data: ActionDone,
    actor: Principal,
    now: datetime,
) -> None:
    """The office records the card's supervision or interview as done, dated between the
    card and today."""
    action = await repository.action_for_update(session, card_id=card.id, action_id=action_id)
    if action is None:
        raise NotFound("督导或约谈记录不存在", "No such action", field="action_id")
    if data.done_on > local_day(now) or data.done_on < local_day(card.raised_at):
        raise Unprocessable(
            "完成日期应在预警发出之后、今天之前",
            "The date must be between the card and today",
            field="done_on",
            code="bad-done-on",
        )
    action.done_on, action.note, action.recorded_by = data.done_on, data.note, actor.subject
    await session.flush()

"""Raise, escalate and lift cards as the facts change (periodic, driven by the clock).

One open card per org and round (a partial unique index on the plan): a card is raised
when the rules call for one, turns red when they call for red (scheduling supervision and
an interview), and is lifted when no reason is left. A red card is not lowered to yellow:
it stays until every reason is gone. Each change is written with its outbox row in the
same transaction; plans are locked one at a time (``SKIP LOCKED``) so two replicas never
change the same card.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.rectification import CardColor, CardEscalated, CardLifted, CardRaised
from xuncha_shared.messaging import emit
from xuncha_shared.workdays import WorkdayCalendar, local_day

from rectification.cards import repository
from rectification.cards.evaluate import TaskFacts, evaluate
from rectification.cards.models import Card, CardAction
from rectification.dates import calendar_of
from rectification.rules.repository import rules_by_jurisdiction
from rectification.rules.schemas import Rules


async def _schedule(
    session: AsyncSession, card: Card, today: date, calendar: WorkdayCalendar, rules: Rules
) -> tuple[date, date]:
    supervision = calendar.add_workdays(today, rules.supervision_workdays).due
    interview = calendar.add_workdays(today, rules.interview_workdays).due
    session.add_all(
        [
            CardAction(card_id=card.id, kind="supervision", due_on=supervision),
            CardAction(card_id=card.id, kind="interview", due_on=interview),
        ]
    )
    return supervision, interview


def _facts(card: Card) -> dict[str, object]:
    return {
        "jurisdiction": card.jurisdiction,
        "card_id": card.id,
        "plan_id": card.plan_id,
        "round_id": card.round_id,
        "org_id": card.org_id,
        "color": CardColor(card.color),
        "reason_zh": card.reason_zh,
    }


async def review_cards(session: AsyncSession, now: datetime) -> None:
    """Bring every plan's card in line with the rules today."""
    today = local_day(now)
    own_rules = await rules_by_jurisdiction(session)
    plans = await repository.plans_to_review(session)
    if not plans:
        return
    tasks: dict[uuid.UUID, list[TaskFacts]] = defaultdict(list)
    for t in await repository.tasks_of_plans(session, [p.id for p in plans]):
        tasks[t.plan_id].append(
            TaskFacts(t.status, t.kind, t.due_on, t.rejections, t.category_name)
        )
    cards = await repository.open_cards_of_plans(session, [p.id for p in plans])
    calendars: dict[str, WorkdayCalendar] = {}
    for plan in plans:
        if plan.jurisdiction not in calendars:
            calendars[plan.jurisdiction] = await calendar_of(session, plan.jurisdiction)
        calendar = calendars[plan.jurisdiction]
        rules = own_rules.get(plan.jurisdiction, Rules())
        assert plan.feedback_at is not None and plan.period_ends_on is not None
        verdict = evaluate(
            tasks[plan.id],
            feedback_on=local_day(plan.feedback_at),
            period_ends_on=plan.period_ends_on,
            today=today,
            calendar=calendar,
            rules=rules,
        )
        card = cards.get(plan.id)
        if card is None and verdict.color is not None:
            card = Card(
                jurisdiction=plan.jurisdiction,
                plan_id=plan.id,
                round_id=plan.round_id,
                org_id=plan.org_id,
                color=verdict.color.value,
                reason_zh=verdict.reason_zh,
                raised_at=now,
            )
            session.add(card)
            await session.flush()
            due: tuple[date | None, date | None] = (None, None)
            if verdict.color is CardColor.red:
                due = await _schedule(session, card, today, calendar, rules)
            await emit(
                session,
                CardRaised.model_validate(
                    {
                        **_facts(card),
                        "raised_at": now,
                        "supervision_due_on": due[0],
                        "interview_due_on": due[1],
                    }
                ),
            )
        elif card is not None and verdict.color is None:
            card.lifted_at = now
            card.lifted_reason_zh = "预警原因已消除"
            await emit(session, CardLifted.model_validate({**_facts(card), "lifted_at": now}))
        elif card is not None and verdict.color is CardColor.red and card.color != "red":
            card.color = CardColor.red.value
            card.reason_zh = verdict.reason_zh
            card.escalated_at = now
            supervision, interview = await _schedule(session, card, today, calendar, rules)
            await emit(
                session,
                CardEscalated.model_validate(
                    {
                        **_facts(card),
                        "escalated_at": now,
                        "supervision_due_on": supervision,
                        "interview_due_on": interview,
                    }
                ),
            )
    await session.flush()

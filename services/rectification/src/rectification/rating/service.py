"""Rate an org's rectification for a round (量化评估) when the office asks or when the
reporting window after the concentrated period has closed; a poor rating recommends a
revisit (回头看). Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.rectification import OrgRated, Rating, RevisitRecommended
from xuncha_shared.messaging import emit
from xuncha_shared.problems import NotFound

from rectification.access.policy import Access
from rectification.plans.models import Plan
from rectification.plans.repository import org_names
from rectification.rating import repository
from rectification.rating.models import RatingRow
from rectification.rating.schemas import RatingRead
from rectification.rating.scoring import Scored, score
from rectification.rules.repository import effective_rules


async def rate_plan(
    session: AsyncSession, *, plan: Plan, rated_by: str, now: datetime
) -> tuple[RatingRow, Scored]:
    """Rate the plan now (replacing an earlier rating); emits ``org.rated``, and
    ``revisit.recommended`` when the rating is poor."""
    rules = await effective_rules(session, plan.jurisdiction)
    scored = score(await repository.plan_facts(session, plan), rules)
    values = {
        "plan_id": plan.id,
        "jurisdiction": plan.jurisdiction,
        "round_id": plan.round_id,
        "org_id": plan.org_id,
        "rating": scored.rating.value,
        "score": scored.score,
        "factors": [
            {
                "key": f.key,
                "name_zh": f.name_zh,
                "share": f.share,
                "weight": f.weight,
                "points": f.points,
                "explanation_zh": f.explanation_zh,
            }
            for f in scored.factors
        ],
        "explanation_zh": scored.explanation_zh,
        "rated_at": now,
        "rated_by": rated_by,
    }
    row = await repository.store_rating(session, values)
    facts = {
        "jurisdiction": plan.jurisdiction,
        "plan_id": plan.id,
        "round_id": plan.round_id,
        "org_id": plan.org_id,
    }
    await emit(
        session,
        OrgRated.model_validate(
            {
                **facts,
                "rating": scored.rating,
                "score": scored.score,
                "explanation_zh": scored.explanation_zh,
            }
        ),
    )
    if scored.rating is Rating.poor:
        await emit(
            session,
            RevisitRecommended.model_validate(
                {**facts, "reason_zh": f"整改成效评估为“差”：{scored.explanation_zh}"}
            ),
        )
    return row, scored


async def rate_round(
    session: AsyncSession, *, round_id: uuid.UUID, access: Access, rated_by: str, now: datetime
) -> list[RatingRow]:
    """Rate every plan of the round the caller sees that has had feedback; a round of
    another jurisdiction (or none) answers 404, as every record of it does."""
    if not await repository.round_in_jurisdiction(
        session, round_id=round_id, jurisdiction=access.jurisdiction
    ):
        raise NotFound("没有这一轮", "No such round", field="round_id")
    rows = []
    for plan in await repository.plans_of_round(session, round_id=round_id, access=access):
        row, _ = await rate_plan(session, plan=plan, rated_by=rated_by, now=now)
        rows.append(row)
    return rows


async def rating_of(session: AsyncSession, *, plan: Plan) -> RatingRow:
    """The plan's latest rating; 404 before the first."""
    row = await repository.rating_of(session, plan.id)
    if row is None:
        raise NotFound("尚未评定", "Not rated yet", field="plan_id")
    return row


async def rating_reads(session: AsyncSession, rows: list[RatingRow]) -> list[RatingRead]:
    """Ratings with their org names and the revisit a poor one recommends."""
    names = await org_names(session, [r.org_id for r in rows])
    return [
        RatingRead.model_validate(r).model_copy(
            update={"org_name": names.get(r.org_id), "revisit_zh": revisit_zh(r)}
        )
        for r in rows
    ]


def revisit_zh(row: RatingRow) -> str | None:
    """The revisit (回头看) a poor rating recommends, in words (as ``revisit.recommended``)."""
    if row.rating != Rating.poor.value:
        return None
    return f"整改成效评估为“差”（{row.score:g}分），建议对该单位开展巡察整改“回头看”。"

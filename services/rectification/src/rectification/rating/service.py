"""Rate an org's rectification for a round (量化评估) when the office asks or when the
reporting window after the concentrated period has closed; a poor rating recommends a
revisit (回头看). Keyword-only arguments; they flush, never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.events.rectification import OrgRated, Rating, RevisitRecommended
from xuncha_shared.messaging import emit

from rectification.institutions.models import Institution
from rectification.plans.models import Plan, Task
from rectification.rating.models import RatingRow
from rectification.rating.scoring import PlanFacts, Scored, score
from rectification.reports.models import Disclosure, Report
from rectification.rules.repository import effective_rules


async def plan_facts(session: AsyncSession, plan: Plan) -> PlanFacts:
    """What the rating is computed from, read from the local tables."""
    accepted = col(Task.status) == "accepted"
    total, done, on_time, rejections = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(accepted),
                func.count().filter(accepted, col(Task.on_time).is_(True)),
                func.coalesce(func.sum(col(Task.rejections)), 0),
            ).where(col(Task.plan_id) == plan.id)
        )
    ).one()
    report = await session.scalar(select(Report).where(col(Report.plan_id) == plan.id))
    scopes: set[str] = set()
    if report is not None:
        scopes = set(
            await session.scalars(
                select(col(Disclosure.scope)).where(col(Disclosure.report_id) == report.id)
            )
        )
    institutions = await session.scalar(
        select(func.count()).where(col(Institution.plan_id) == plan.id)
    )
    return PlanFacts(
        total=int(total),
        accepted=int(done),
        on_time=int(on_time),
        rejections=int(rejections),
        report=report is not None,
        party_disclosed="party" in scopes,
        public_disclosed="public" in scopes,
        institutions=int(institutions or 0),
    )


async def rate_plan(
    session: AsyncSession, *, plan: Plan, rated_by: str, now: datetime
) -> tuple[RatingRow, Scored]:
    """Rate the plan now (replacing an earlier rating); emits ``org.rated``, and
    ``revisit.recommended`` when the rating is poor."""
    rules = await effective_rules(session, plan.jurisdiction)
    scored = score(await plan_facts(session, plan), rules)
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
    table = RatingRow.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.plan_id],
            set_={k: stmt.excluded[k] for k in values if k != "plan_id"},
        )
    )
    row = await session.scalar(
        select(RatingRow)
        .where(col(RatingRow.plan_id) == plan.id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
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

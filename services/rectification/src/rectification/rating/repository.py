"""SQL of the rating: what a plan is rated from, the rating stored (replacing an earlier
one), the plans to rate, and the filtered lists."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from rectification.access.policy import Access
from rectification.access.repository import visible_plans
from rectification.institutions.models import Institution
from rectification.models import ASSIGNMENTS
from rectification.plans.models import Plan, Task
from rectification.rating.models import RatingRow
from rectification.rating.scoring import PlanFacts
from rectification.reports.models import Disclosure, Report


@dataclass(frozen=True)
class RatingFilter:
    """Filters of the rating list and its export."""

    access: Access
    round_id: uuid.UUID | None = None
    rating: str | None = None


def _conditions(where: RatingFilter) -> list[Any]:
    conditions: list[Any] = [
        col(RatingRow.plan_id).in_(select(col(Plan.id)).where(visible_plans(where.access)))
    ]
    if where.round_id is not None:
        conditions.append(col(RatingRow.round_id) == where.round_id)
    if where.rating is not None:
        conditions.append(col(RatingRow.final_rating) == where.rating)
    return conditions


async def list_ratings(
    session: AsyncSession,
    where: RatingFilter,
    *,
    limit: int,
    after: tuple[float, uuid.UUID] | None = None,
) -> list[RatingRow]:
    """Ratings from the lowest score up (then by plan), after the cursor's key."""
    query = select(RatingRow).where(*_conditions(where))
    if after is not None:
        score, last = after
        query = query.where(
            or_(
                col(RatingRow.score) > score,
                and_(col(RatingRow.score) == score, col(RatingRow.plan_id) > last),
            )
        )
    rows = await session.scalars(
        query.order_by(col(RatingRow.score), col(RatingRow.plan_id)).limit(limit)
    )
    return list(rows)


async def count_ratings(session: AsyncSession, where: RatingFilter) -> int:
    """How many ratings match."""
    total = await session.scalar(
        select(func.count()).select_from(RatingRow).where(*_conditions(where))
    )
    return int(total or 0)


async def rating_of(
    session: AsyncSession, plan_id: uuid.UUID, *, for_update: bool = False
) -> RatingRow | None:
    """The plan's latest rating, if rated (locked when ``for_update``)."""
    query = select(RatingRow).where(col(RatingRow.plan_id) == plan_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def round_in_jurisdiction(
    session: AsyncSession, *, round_id: uuid.UUID, jurisdiction: str
) -> bool:
    """Whether the round is one of the jurisdiction's (as the rounds' projection knows it)."""
    rounds = ASSIGNMENTS.rounds
    found = await session.scalar(
        select(rounds.c.id).where(rounds.c.id == round_id, rounds.c.jurisdiction == jurisdiction)
    )
    return found is not None


async def plans_of_round(
    session: AsyncSession, *, round_id: uuid.UUID, access: Access
) -> list[Plan]:
    """The round's plans the caller sees that have had feedback, locked."""
    plans = await session.scalars(
        select(Plan)
        .where(
            col(Plan.round_id) == round_id,
            col(Plan.feedback_at).is_not(None),
            visible_plans(access),
        )
        .order_by(col(Plan.id))
        .with_for_update()
    )
    return list(plans)


async def unrated_plans_due(session: AsyncSession, *, before: Any, limit: int) -> list[Plan]:
    """Plans whose report was due before the day and that have no rating yet, locked;
    rows another transaction holds are skipped."""
    plans = await session.scalars(
        select(Plan)
        .where(
            col(Plan.report_due_on) < before,
            ~exists().where(col(RatingRow.plan_id) == col(Plan.id)),
        )
        .order_by(col(Plan.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(plans)


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


async def store_rating(session: AsyncSession, values: dict[str, Any]) -> RatingRow:
    """Store the plan's rating, replacing an earlier one; the row as stored."""
    table = RatingRow.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(**values, final_rating=values["rating"], version=1)
    # The panel's judgement and the office's adjustment stay; the final rating is the
    # formula's only where neither was made (rectification.rating.final).
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.plan_id],
            set_={
                **{k: stmt.excluded[k] for k in values if k != "plan_id"},
                "final_rating": func.coalesce(
                    table.c.adjusted_rating, table.c.panel_rating, stmt.excluded.rating
                ),
                "version": table.c.version + 1,
            },
        )
    )
    row = await session.scalar(
        select(RatingRow)
        .where(col(RatingRow.plan_id) == values["plan_id"])
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row

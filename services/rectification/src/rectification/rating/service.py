"""Rate an org's rectification for a round (量化评估) when the office asks or when the
reporting window after the concentrated period has closed; record the rating panel's
judgement (量化评估组) and the office's adjustment next to it. A final rating that becomes
poor recommends a revisit (回头看) (:mod:`rectification.rating.final`). Keyword-only
arguments; they flush, never commit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.rectification import (
    OrgRated,
    Rating,
    RatingAdjusted,
    RatingJudged,
    RevisitRecommended,
)
from xuncha_shared.http import check_version
from xuncha_shared.messaging import emit
from xuncha_shared.problems import NotFound

from rectification.access.policy import Access
from rectification.plans.models import Plan
from rectification.plans.repository import org_names
from rectification.rating import repository
from rectification.rating.final import became_poor, final_rating
from rectification.rating.models import RatingRow
from rectification.rating.schemas import (
    AdjustmentRead,
    PanelJudgement,
    PanelJudgementRead,
    RatingAdjustment,
    RatingRead,
)
from rectification.rating.scoring import RATING_ZH, Scored, score
from rectification.rules.repository import effective_rules


async def rate_plan(
    session: AsyncSession, *, plan: Plan, rated_by: str, now: datetime
) -> tuple[RatingRow, Scored]:
    """Rate the plan now by the formula (replacing its earlier formula rating; a panel's
    judgement and an adjustment stay); emits ``org.rated``, and ``revisit.recommended``
    when the final rating becomes poor."""
    before = await repository.rating_of(session, plan.id)
    before_final = Rating(before.final_rating) if before is not None else None
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
    final = Rating(row.final_rating)
    await emit(
        session,
        OrgRated.model_validate(
            {
                **_facts(row),
                "rating": scored.rating,
                "score": scored.score,
                "explanation_zh": scored.explanation_zh,
                "final_rating": final,
            }
        ),
    )
    if became_poor(before=before_final, after=final):
        await _recommend_revisit(session, row, f"整改成效评估为“差”：{scored.explanation_zh}")
    return row, scored


async def rating_for_update(session: AsyncSession, *, plan: Plan) -> RatingRow:
    """The plan's rating, locked; 404 before the formula first rated it."""
    row = await repository.rating_of(session, plan.id, for_update=True)
    if row is None:
        raise NotFound(
            "尚未评定，请先按公式评定整改成效", "Not rated yet; rate it first", field="plan_id"
        )
    return row


async def record_panel_judgement(
    session: AsyncSession,
    *,
    row: RatingRow,
    data: PanelJudgement,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> RatingRow:
    """Record the rating panel's judgement (量化评估组): it becomes the final rating and an
    earlier adjustment gives way to it; emits ``rating.judged`` (and ``revisit.recommended``
    when the final rating becomes poor)."""
    _require_rating_office(actor, row)
    check_version(row.version, expected_version)
    before = Rating(row.final_rating)
    row.panel_rating = data.rating.value
    row.panel_members = data.members
    row.panel_judged_on = data.judged_on
    row.panel_opinion = data.opinion
    row.judged_at = now
    row.judged_by = actor.subject
    row.adjusted_rating = row.adjustment_reason = row.adjusted_at = row.adjusted_by = None
    final = _set_final(row)
    await session.flush()
    await emit(
        session,
        RatingJudged(
            **_facts(row),
            formula_rating=Rating(row.rating),
            panel_rating=data.rating,
            final_rating=final,
            judged_on=data.judged_on,
        ),
    )
    if became_poor(before=before, after=final):
        await _recommend_revisit(
            session, row, f"量化评估组{data.judged_on:%Y年%m月%d日}评定整改成效为“差”"
        )
    return row


async def adjust_rating(
    session: AsyncSession,
    *,
    row: RatingRow,
    data: RatingAdjustment,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> RatingRow:
    """Adjust the final rating with a reason (kept here, not in the event); emits
    ``rating.adjusted`` (and ``revisit.recommended`` when the final rating becomes poor)."""
    _require_rating_office(actor, row)
    check_version(row.version, expected_version)
    before = Rating(row.final_rating)
    row.adjusted_rating = data.rating.value
    row.adjustment_reason = data.reason
    row.adjusted_at = now
    row.adjusted_by = actor.subject
    final = _set_final(row)
    await session.flush()
    await emit(
        session,
        RatingAdjusted(**_facts(row), previous_rating=before, final_rating=final, adjusted_at=now),
    )
    if became_poor(before=before, after=final):
        await _recommend_revisit(session, row, "巡察办将整改成效最终等次调整为“差”")
    return row


def _require_rating_office(actor: Principal, row: RatingRow) -> None:
    if not (actor.has(Role.office) and actor.jurisdiction == row.jurisdiction):
        raise Forbidden(
            "只有本辖区巡察办可以录入评估组评定或调整等次",
            "Only the inspection office of the jurisdiction records the panel's judgement "
            "or adjusts the rating",
        )


def _set_final(row: RatingRow) -> Rating:
    final = final_rating(
        formula=Rating(row.rating),
        panel=Rating(row.panel_rating) if row.panel_rating else None,
        adjusted=Rating(row.adjusted_rating) if row.adjusted_rating else None,
    )
    row.final_rating = final.value
    row.version += 1
    return final


def _facts(row: RatingRow) -> dict[str, Any]:
    return {
        "jurisdiction": row.jurisdiction,
        "plan_id": row.plan_id,
        "round_id": row.round_id,
        "org_id": row.org_id,
    }


async def _recommend_revisit(session: AsyncSession, row: RatingRow, reason_zh: str) -> None:
    await emit(session, RevisitRecommended.model_validate({**_facts(row), "reason_zh": reason_zh}))


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


async def rating_reads(
    session: AsyncSession, rows: list[RatingRow], *, full: bool = True
) -> list[RatingRead]:
    """Ratings with their org names and the revisit a poor one recommends; the panel's
    judgement and the adjustment only when ``full`` (the overseers), the org and the leader
    read the final rating."""
    names = await org_names(session, [r.org_id for r in rows])
    return [
        RatingRead.model_validate(r).model_copy(
            update={
                "org_name": names.get(r.org_id),
                "revisit_zh": revisit_zh(r),
                "panel": _panel(r) if full else None,
                "adjustment": _adjustment(r) if full else None,
            }
        )
        for r in rows
    ]


def _panel(row: RatingRow) -> PanelJudgementRead | None:
    if row.panel_rating is None:
        return None
    return PanelJudgementRead.model_validate(
        {
            "rating": row.panel_rating,
            "members": row.panel_members,
            "judged_on": row.panel_judged_on,
            "opinion": row.panel_opinion,
            "recorded_at": row.judged_at,
            "recorded_by": row.judged_by,
        }
    )


def _adjustment(row: RatingRow) -> AdjustmentRead | None:
    if row.adjusted_rating is None:
        return None
    return AdjustmentRead.model_validate(
        {
            "rating": row.adjusted_rating,
            "reason": row.adjustment_reason,
            "adjusted_at": row.adjusted_at,
            "adjusted_by": row.adjusted_by,
        }
    )


def revisit_zh(row: RatingRow) -> str | None:
    """The revisit (回头看) a poor final rating recommends, in words."""
    if row.final_rating != Rating.poor.value:
        return None
    return (
        f"整改成效评估为“{RATING_ZH[Rating.poor]}”（最终等次；公式得分{row.score:g}分），"
        "建议对该单位开展巡察整改“回头看”。"
    )

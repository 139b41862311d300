"""HTTP routes: 量化评估 Rating an org's rectification for a round."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import Rating
from xuncha_shared.exports import attachment, workbook
from xuncha_shared.http import (
    BadCursor,
    CurrentPrincipal,
    Now,
    Page,
    Paging,
    decode_cursor,
    split_page,
)
from xuncha_shared.problems import NotFound
from xuncha_shared.web import ERRORS, XLSX, roles_allowed

from rectification.access.policy import access_for
from rectification.access.repository import visible_plans
from rectification.plans.models import Plan
from rectification.plans.repository import org_names
from rectification.plans.service import get_plan_for
from rectification.rating.models import RatingRow
from rectification.rating.scoring import RATING_ZH
from rectification.rating.service import rate_plan


class FactorRead(BaseModel):
    key: str = Field(title="因素代码")
    name_zh: str = Field(title="因素")
    share: float = Field(title="得分率", description="0–1")
    weight: float = Field(title="权重")
    points: float = Field(title="得分")
    explanation_zh: str = Field(title="说明")


class RatingRead(BaseModel):
    """An org's rating for a round, with each factor explained."""

    model_config = ConfigDict(from_attributes=True)

    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(default=None, title="被巡察对象名称")
    rating: Rating = Field(title="评定等次", description="good 好；fair 中；poor 差")
    score: float = Field(title="得分")
    factors: list[FactorRead] = Field(title="各项因素")
    explanation_zh: str = Field(title="评定说明")
    rated_at: datetime = Field(title="评定时间")
    rated_by: str = Field(title="评定人", description="system 为集中整改期结束后自动评定")
    revisit_zh: str | None = Field(
        default=None, title="回头看建议", description="评为“差”时建议开展整改“回头看”，并说明理由"
    )


RatingPage = Page[RatingRead]

router = APIRouter(tags=["rating"], responses=ERRORS)

RatingOffice = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=("只有巡察办可以评定整改成效", "Only the inspection office may rate rectification"),
    ),
]
PlanId = Annotated[uuid.UUID, Path(title="整改方案编号")]


@router.post(
    "/plans/{plan_id}/rating",
    response_model=RatingRead,
    summary="评定整改成效",
    description="巡察办按按期完成率、验收通过率、退回情况、整改公开和建章立制评定好/中/差"
    "（权重和分档按本辖区规则）；评为“差”的建议开展回头看。可重复评定，以最后一次为准。",
)
async def rate(plan_id: PlanId, session: DbSession, actor: RatingOffice, now: Now) -> RatingRead:
    plan = await get_plan_for(session, plan_id=plan_id, access=access_for(actor), for_update=True)
    row, _ = await rate_plan(session, plan=plan, rated_by=actor.subject, now=now)
    (result,) = await rating_reads(session, [row])
    return result


@router.post(
    "/rounds/{round_id}/ratings",
    response_model=list[RatingRead],
    summary="评定一轮的整改成效",
    description="巡察办对本轮已反馈的全部整改方案评定整改成效。",
)
async def rate_round(
    round_id: Annotated[uuid.UUID, Path(title="轮次编号")],
    session: DbSession,
    actor: RatingOffice,
    now: Now,
) -> list[RatingRead]:
    plans = await session.scalars(
        select(Plan)
        .where(
            col(Plan.round_id) == round_id,
            col(Plan.feedback_at).is_not(None),
            visible_plans(access_for(actor)),
        )
        .order_by(col(Plan.id))
        .with_for_update()
    )
    rows = []
    for plan in list(plans):
        row, _ = await rate_plan(session, plan=plan, rated_by=actor.subject, now=now)
        rows.append(row)
    return await rating_reads(session, rows)


@router.get("/plans/{plan_id}/rating", response_model=RatingRead, summary="查看整改成效评定")
async def get_rating(
    plan_id: PlanId, session: DbSession, principal: CurrentPrincipal
) -> RatingRead:
    plan = await get_plan_for(session, plan_id=plan_id, access=access_for(principal))
    row = await session.get(RatingRow, plan.id)
    if row is None:
        raise NotFound("尚未评定", "Not rated yet", field="plan_id")
    (result,) = await rating_reads(session, [row])
    return result


def rating_filter(
    principal: CurrentPrincipal,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    rating: Annotated[Rating | None, Query(title="评定等次")] = None,
) -> list[Any]:
    conditions: list[Any] = [
        col(RatingRow.plan_id).in_(select(col(Plan.id)).where(visible_plans(access_for(principal))))
    ]
    if round_id is not None:
        conditions.append(col(RatingRow.round_id) == round_id)
    if rating is not None:
        conditions.append(col(RatingRow.rating) == rating.value)
    return conditions


RatingFilter = Annotated[list[Any], Depends(rating_filter)]


def _score_key(cursor: str | None) -> tuple[float, uuid.UUID] | None:
    values = decode_cursor(cursor, arity=2)
    if values is None:
        return None
    try:
        if isinstance(values[0], bool) or not isinstance(values[0], int | float):
            raise ValueError("score")
        return float(values[0]), uuid.UUID(str(values[1]))
    except ValueError:
        raise BadCursor(
            "分页游标无效，请从第一页重新查询",
            "The cursor is invalid; start again from the first page",
            field="cursor",
        ) from None


async def _ratings(
    session: AsyncSession,
    conditions: list[Any],
    limit: int,
    after: tuple[float, uuid.UUID] | None = None,
) -> list[RatingRow]:
    query = select(RatingRow).where(*conditions)
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


async def rating_reads(session: AsyncSession, rows: list[RatingRow]) -> list[RatingRead]:
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


@router.get(
    "/ratings",
    response_model=RatingPage,
    summary="查询整改成效评定",
    description="可见范围同整改方案；按得分从低到高，游标分页，total 为符合条件的总数。",
)
async def list_ratings(session: DbSession, where: RatingFilter, paging: Paging) -> RatingPage:
    rows = await _ratings(session, where, paging.limit + 1, _score_key(paging.cursor))
    page, next_cursor = split_page(rows, paging.limit, lambda r: [r.score, r.plan_id])
    total = await session.scalar(select(func.count()).select_from(RatingRow).where(*where))
    return RatingPage(
        items=await rating_reads(session, page), next_cursor=next_cursor, total=int(total or 0)
    )


@router.get(
    "/ratings.xlsx",
    summary="导出整改成效评定（XLSX）",
    description="筛选条件同“查询整改成效评定”。",
    response_class=Response,
    responses=XLSX,
)
async def export_ratings(session: DbSession, where: RatingFilter) -> Response:
    rows = await _ratings(session, where, 100_000)
    names = await org_names(session, [r.org_id for r in rows])
    data = workbook(
        "整改成效评定",
        ["序号", "被巡察对象", "评定等次", "得分", "评定说明", "评定时间"],
        (
            [
                i,
                names.get(r.org_id, str(r.org_id)),
                RATING_ZH[Rating(r.rating)],
                r.score,
                r.explanation_zh,
                r.rated_at.isoformat(timespec="minutes"),
            ]
            for i, r in enumerate(rows, start=1)
        ),
    )
    return attachment(data, filename="rectification-ratings.xlsx")

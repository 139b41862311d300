"""HTTP routes: 量化评估 Rating an org's rectification for a round."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import Rating
from xuncha_shared.http import (
    BadCursor,
    CurrentPrincipal,
    ExpectedVersion,
    Now,
    Paging,
    decode_cursor,
    split_page,
)
from xuncha_shared.web import ERRORS, VERSIONED, XLSX, roles_allowed, versioned

from rectification.access.policy import access_for
from rectification.plans.service import get_plan_for
from rectification.rating import repository, service
from rectification.rating.export import ratings_xlsx
from rectification.rating.repository import RatingFilter
from rectification.rating.schemas import (
    PanelJudgement,
    RatingAdjustment,
    RatingPage,
    RatingRead,
)

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
async def rate(
    plan_id: PlanId, session: DbSession, actor: RatingOffice, now: Now, response: Response
) -> RatingRead:
    plan = await get_plan_for(session, plan_id=plan_id, access=access_for(actor), for_update=True)
    row, _ = await service.rate_plan(session, plan=plan, rated_by=actor.subject, now=now)
    (result,) = await service.rating_reads(session, [row])
    return versioned(response, result)


@router.put(
    "/plans/{plan_id}/rating/panel",
    response_model=RatingRead,
    summary="录入量化评估组评定",
    description="本辖区巡察办录入量化评估组（多家单位组成）对整改成效的评定：评定等次、"
    "参加评定的单位和人员、评定日期、评估意见。评估组的评定成为最终等次（此前的等次调整"
    "随之失效），公式评定结果仍保留可查。须先按公式评定；须带 If-Match。"
    "最终等次变为“差”时建议开展回头看。",
    responses=VERSIONED,
)
async def record_panel_judgement(
    plan_id: PlanId,
    body: PanelJudgement,
    expected: ExpectedVersion,
    session: DbSession,
    actor: RatingOffice,
    now: Now,
    response: Response,
) -> RatingRead:
    plan = await get_plan_for(session, plan_id=plan_id, access=access_for(actor), for_update=True)
    row = await service.rating_for_update(session, plan=plan)
    row = await service.record_panel_judgement(
        session, row=row, data=body, expected_version=expected, actor=actor, now=now
    )
    (result,) = await service.rating_reads(session, [row])
    return versioned(response, result)


@router.put(
    "/plans/{plan_id}/rating/adjustment",
    response_model=RatingRead,
    summary="调整整改成效等次",
    description="本辖区巡察办调整最终等次，须写明理由；公式评定和评估组评定仍保留可查。"
    "须带 If-Match。最终等次变为“差”时建议开展回头看。",
    responses=VERSIONED,
)
async def adjust_rating(
    plan_id: PlanId,
    body: RatingAdjustment,
    expected: ExpectedVersion,
    session: DbSession,
    actor: RatingOffice,
    now: Now,
    response: Response,
) -> RatingRead:
    plan = await get_plan_for(session, plan_id=plan_id, access=access_for(actor), for_update=True)
    row = await service.rating_for_update(session, plan=plan)
    row = await service.adjust_rating(
        session, row=row, data=body, expected_version=expected, actor=actor, now=now
    )
    (result,) = await service.rating_reads(session, [row])
    return versioned(response, result)


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
    rows = await service.rate_round(
        session, round_id=round_id, access=access_for(actor), rated_by=actor.subject, now=now
    )
    return await service.rating_reads(session, rows)


@router.get(
    "/plans/{plan_id}/rating",
    response_model=RatingRead,
    summary="查看整改成效评定",
    description="公式评定、量化评估组评定、等次调整和最终等次；被巡察党组织和领办领导只看到"
    "公式评定和最终等次。",
)
async def get_rating(
    plan_id: PlanId, session: DbSession, principal: CurrentPrincipal, response: Response
) -> RatingRead:
    access = access_for(principal)
    plan = await get_plan_for(session, plan_id=plan_id, access=access)
    row = await service.rating_of(session, plan=plan)
    (result,) = await service.rating_reads(session, [row], full=access.everything)
    return versioned(response, result)


def rating_filter(
    principal: CurrentPrincipal,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    rating: Annotated[Rating | None, Query(title="最终等次")] = None,
) -> RatingFilter:
    return RatingFilter(
        access=access_for(principal),
        round_id=round_id,
        rating=rating.value if rating is not None else None,
    )


Filter = Annotated[RatingFilter, Depends(rating_filter)]


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


@router.get(
    "/ratings",
    response_model=RatingPage,
    summary="查询整改成效评定",
    description="可见范围同整改方案；按得分从低到高，游标分页，total 为符合条件的总数。",
)
async def list_ratings(session: DbSession, where: Filter, paging: Paging) -> RatingPage:
    rows = await repository.list_ratings(
        session, where, limit=paging.limit + 1, after=_score_key(paging.cursor)
    )
    page, next_cursor = split_page(rows, paging.limit, lambda r: [r.score, r.plan_id])
    total = await repository.count_ratings(session, where)
    return RatingPage(
        items=await service.rating_reads(session, page, full=where.access.everything),
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    "/ratings.xlsx",
    summary="导出整改成效评定（XLSX）",
    description="筛选条件同“查询整改成效评定”。列出公式评定、量化评估组评定、等次调整和最终等次"
    "（评估组和调整的详情仅巡察办、领导小组、纪委监委、组织部可见）。",
    response_class=Response,
    responses=XLSX,
)
async def export_ratings(session: DbSession, where: Filter) -> Response:
    rows = await repository.list_ratings(session, where, limit=100_000)
    return ratings_xlsx(await service.rating_reads(session, rows, full=where.access.everything))

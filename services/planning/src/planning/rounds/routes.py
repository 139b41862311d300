"""HTTP routes of rounds (轮次): plan, list, read, change, move on, briefings."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import AwareDatetime
from xuncha_shared.db import DbSession
from xuncha_shared.http import (
    BadCursor,
    CurrentPrincipal,
    ExpectedVersion,
    Now,
    OptionalExpectedVersion,
    Paging,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import ProblemDetail
from xuncha_shared.web import ERRORS, created, not_found, paged, versioned
from xuncha_shared.web.cursors import CursorKey

from planning.rounds import access, repository, service
from planning.rounds.lifecycle import BriefingStage, RoundMode, RoundStatus
from planning.rounds.schemas import (
    BriefingCreate,
    BriefingPage,
    BriefingRead,
    RoundCreate,
    RoundDetailRead,
    RoundPage,
    RoundRead,
    RoundUpdate,
    TransitionCreate,
)

router = APIRouter(
    tags=["rounds"],
    responses=ERRORS | not_found("不存在或不属于本辖区"),
)

Sort = Literal["on_site_from", "-on_site_from"]

# A list of rounds goes on from (its sort, the last on-site date, id): a cursor of the other
# sort is refused. Briefings go on from (held on, recorded at, id).
ROUND_ORDER: CursorKey[tuple[str, date, uuid.UUID]] = CursorKey(tuple[str, date, uuid.UUID])
BRIEFING_ORDER: CursorKey[tuple[date, AwareDatetime, uuid.UUID]] = CursorKey(
    tuple[date, AwareDatetime, uuid.UUID]
)


@router.post(
    "/terms/{term_id}/rounds",
    status_code=status.HTTP_201_CREATED,
    response_model=RoundRead,
    summary="安排巡察轮次",
    description="巡察办在届期内安排一轮巡察（阶段为“计划中”）：序号（不填为下一轮）、名称、方式、"
    "进驻与撤离日期（须在届期内）。专项巡察须有主题和重点清单；提级、交叉巡察须注明派出"
    "巡察组的党委。可带 Idempotency-Key。",
)
async def create_round(
    term_id: uuid.UUID,
    body: RoundCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> RoundRead:
    rnd = await service.schedule_round(
        session, term_id=term_id, data=body, actor=access.planner(principal), now=now
    )
    # /api/planning/terms/{id}/rounds → /api/planning/rounds/{id}
    location = f"{request.url.path.rsplit('/terms/', 1)[0]}/rounds/{rnd.id}"
    return await created(response, idempotent, service.round_read(rnd), location=location)


@router.get(
    "/rounds",
    response_model=RoundPage,
    summary="查询巡察轮次",
    description="按届次、阶段、方式、进驻年度筛选，按进驻日期排序（sort=-on_site_from 为倒序），"
    "游标分页。"
    "巡察组成员只看到自己所在巡察组的轮次。",
)
async def list_rounds(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    status_: Annotated[list[RoundStatus] | None, Query(alias="status", title="阶段")] = None,
    mode: Annotated[list[RoundMode] | None, Query(title="巡察方式")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, title="进驻年度")] = None,
    sort: Annotated[Sort, Query(title="排序")] = "on_site_from",
) -> RoundPage:
    access.round_reader(principal)
    after = ROUND_ORDER.decode(paging.cursor)
    if after is not None and after[0] != sort:
        raise BadCursor(
            "分页游标无效，请从第一页重新查询",
            "The cursor is invalid; start again from the first page",
            field="cursor",
        )
    member = None if principal.has(*access.READERS) else principal.subject
    rows, total = await repository.list_rounds(
        session,
        repository.RoundFilter(
            jurisdiction=principal.jurisdiction,
            member_subject=member,
            term_id=term_id,
            statuses=[s.value for s in status_ or []],
            modes=[m.value for m in mode or []],
            year=year,
        ),
        descending=sort.startswith("-"),
        after=(after[1], after[2]) if after else None,
        limit=paging.limit + 1,
    )
    return paged(
        RoundPage,
        rows,
        limit=paging.limit,
        total=total,
        cursor_of=lambda r: [sort, r.on_site_from, r.id],
        read=service.round_read,
    )


@router.get(
    "/rounds/{round_id}",
    response_model=RoundDetailRead,
    summary="查看巡察轮次",
    description="轮次及其阶段变更记录、领导小组听取汇报记录、已分配的被巡察对象数。",
)
async def get_round(
    round_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> RoundDetailRead:
    rnd = await access.round_for(session, round_id=round_id, actor=access.round_reader(principal))
    return versioned(response, await service.round_detail(session, rnd))


@router.patch(
    "/rounds/{round_id}",
    response_model=RoundRead,
    summary="调整计划中的轮次",
    description="只有“计划中”的轮次可以修改（名称、序号、方式、主题、重点清单、日期）。"
    "须带 If-Match。",
    responses={409: {"model": ProblemDetail, "description": "轮次已不在计划中"}},
)
async def update_round(
    round_id: uuid.UUID,
    body: RoundUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> RoundRead:
    rnd = await service.update_round(
        session,
        round_id=round_id,
        data=body,
        expected_version=expected,
        actor=access.planner(principal),
        now=now,
    )
    return versioned(response, service.round_read(rnd))


@router.post(
    "/rounds/{round_id}/transitions",
    response_model=RoundRead,
    summary="推进轮次阶段",
    description="把轮次推进到下一阶段：计划中 → 动员部署 → 进驻巡察 → 巡察报告 → 巡察反馈 → "
    "整改中 → 已结束，不能跳过或回退。非法的变更返回 409，allowed 列出当前可转入的阶段。"
    "If-Match 可选；可带 Idempotency-Key。",
    responses={409: {"model": ProblemDetail, "description": "不能转入该阶段"}},
)
async def transition_round(
    round_id: uuid.UUID,
    body: TransitionCreate,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    response: Response,
) -> RoundRead:
    rnd = await service.advance_round(
        session,
        round_id=round_id,
        to_status=body.to_status,
        expected_version=expected,
        actor=access.planner(principal),
        now=now,
    )
    result = versioned(response, service.round_read(rnd))
    await idempotent.remember(result)
    return result


@router.get(
    "/rounds/{round_id}/briefings",
    response_model=BriefingPage,
    summary="查询听取汇报记录",
    description="领导小组巡前、巡中、巡后听取汇报的记录，按汇报日期排序，游标分页。",
)
async def list_briefings(
    round_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    stage: Annotated[BriefingStage | None, Query(title="汇报阶段")] = None,
) -> BriefingPage:
    rnd = await access.round_for(session, round_id=round_id, actor=access.round_reader(principal))
    key = BRIEFING_ORDER.decode(paging.cursor)
    rows, total = await repository.briefings_of(
        session,
        rnd.id,
        stage=stage.value if stage else None,
        after=key,
        limit=paging.limit + 1,
    )
    return paged(
        BriefingPage,
        rows,
        limit=paging.limit,
        total=total,
        cursor_of=lambda b: [b.held_on, b.created_at.isoformat(), b.id],
        read=BriefingRead.model_validate,
    )


@router.post(
    "/rounds/{round_id}/briefings",
    status_code=status.HTTP_201_CREATED,
    response_model=BriefingRead,
    summary="记录听取汇报",
    description="记录领导小组听取本轮巡察汇报的情况（巡前、巡中、巡后）。巡中汇报须轮次已进驻，"
    "巡后汇报须轮次已到报告阶段；汇报日期不晚于今天。可带 Idempotency-Key。",
)
async def create_briefing(
    round_id: uuid.UUID,
    body: BriefingCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> BriefingRead:
    briefing = await service.record_briefing(
        session, round_id=round_id, data=body, actor=access.briefer(principal), now=now
    )
    result = BriefingRead.model_validate(briefing)
    await idempotent.remember(result, status_code=201)
    return result

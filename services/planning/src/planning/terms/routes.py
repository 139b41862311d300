"""HTTP routes of terms (届), their scope (应巡对象) and coverage (全覆盖)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from xuncha_shared.db import DbSession
from xuncha_shared.http import (
    CurrentPrincipal,
    ExpectedVersion,
    IsoDate,
    Now,
    Paging,
    decode_cursor,
    encode_cursor,
    split_page,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.orgs import OrgKind
from xuncha_shared.web import ERRORS, created, not_found, paged, versioned
from xuncha_shared.web.cursors import DATE_ID

from planning.rounds import access
from planning.terms import coverage, repository, service
from planning.terms.schemas import (
    CoverageRead,
    ScopeAdd,
    ScopeChangeRead,
    ScopeOrgPage,
    TermCreate,
    TermPage,
    TermRead,
    TermUpdate,
)

router = APIRouter(
    tags=["rounds"],
    responses=ERRORS | not_found("不存在或不属于本辖区"),
)

KindFilter = Annotated[list[OrgKind] | None, Query(title="类型")]
ParentFilter = Annotated[uuid.UUID | None, Query(title="所属乡镇（上级组织编号）")]


@router.post(
    "/terms",
    status_code=status.HTTP_201_CREATED,
    response_model=TermRead,
    summary="建立届期巡察规划",
    description="巡察办建立一届党委的巡察规划（如 十三届县委）：起止日期、计划轮数。"
    "应巡对象默认为本辖区被巡察对象库中全部在册的党组织，也可逐一指定。"
    "可带 Idempotency-Key。",
)
async def create_term(
    body: TermCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> TermRead:
    term = await service.open_term(session, data=body, actor=access.planner(principal), now=now)
    location = f"{request.url.path}/{term.id}"
    return await created(
        response, idempotent, await service.term_read(session, term), location=location
    )


@router.get(
    "/terms",
    response_model=TermPage,
    summary="查询届期",
    description="本辖区的届期，按起始日期由近及远排列，游标分页；可查某日所在的届期。",
)
async def list_terms(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    active_on: Annotated[
        IsoDate | None, Query(title="所在日期", description="只列出包含该日期的届期")
    ] = None,
) -> TermPage:
    access.scope_reader(principal)
    rows, total = await repository.list_terms(
        session,
        jurisdiction=principal.jurisdiction,
        active_on=active_on,
        after=DATE_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    rows, next_cursor = split_page(rows, paging.limit, lambda t: [t.starts_on, t.id])
    return TermPage(
        items=await service.terms_read(session, rows),
        next_cursor=next_cursor,
        total=total,
    )


@router.get("/terms/{term_id}", response_model=TermRead, summary="查看届期")
async def get_term(
    term_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> TermRead:
    term = await access.term_for(session, term_id=term_id, actor=access.scope_reader(principal))
    return versioned(response, await service.term_read(session, term))


@router.patch(
    "/terms/{term_id}",
    response_model=TermRead,
    summary="调整届期规划",
    description="修改名称、起止日期或计划轮数；已安排轮次的进驻日期须仍在届期内。须带 If-Match。",
)
async def update_term(
    term_id: uuid.UUID,
    body: TermUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> TermRead:
    term = await service.update_term(
        session,
        term_id=term_id,
        data=body,
        expected_version=expected,
        actor=access.planner(principal),
        now=now,
    )
    return versioned(response, await service.term_read(session, term))


@router.get(
    "/terms/{term_id}/orgs",
    response_model=ScopeOrgPage,
    summary="查询应巡对象",
    description="本届巡察范围内的党组织及是否已巡察；可按类型、所属乡镇、是否已巡察筛选，按编码排序。",
)
async def list_scope(
    term_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    kind: KindFilter = None,
    parent_id: ParentFilter = None,
    covered: Annotated[bool | None, Query(title="是否已巡察")] = None,
) -> ScopeOrgPage:
    term = await access.term_for(session, term_id=term_id, actor=access.scope_reader(principal))
    after = decode_cursor(paging.cursor, arity=1)
    rows, total = await repository.scope_page(
        session,
        term_id=term.id,
        covered=covered,
        kinds=[k.value for k in kind or []],
        parent_id=parent_id,
        after_code=str(after[0]) if after else None,
        limit=paging.limit + 1,
    )
    return paged(
        ScopeOrgPage,
        rows,
        limit=paging.limit,
        total=total,
        cursor_of=lambda r: [r.org.code],
        read=coverage.scope_item,
    )


@router.post(
    "/terms/{term_id}/orgs",
    response_model=ScopeChangeRead,
    summary="增加应巡对象",
    description="把本辖区在册的党组织纳入本届巡察范围；已在范围内的不重复计入。",
)
async def add_scope(
    term_id: uuid.UUID, body: ScopeAdd, session: DbSession, principal: CurrentPrincipal
) -> ScopeChangeRead:
    return await service.add_orgs(
        session, term_id=term_id, org_ids=body.org_ids, actor=access.planner(principal)
    )


@router.delete(
    "/terms/{term_id}/orgs/{org_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="移出应巡对象",
    description="把一个党组织移出本届巡察范围（如撤并）。若它是最后一个未巡察的对象，本届即实现全覆盖。",
)
async def remove_scope(
    term_id: uuid.UUID, org_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, now: Now
) -> Response:
    await service.remove_org(
        session, term_id=term_id, org_id=org_id, actor=access.planner(principal), now=now
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/terms/{term_id}/coverage",
    response_model=CoverageRead,
    summary="全覆盖进度",
    description="已巡察数 / 应巡对象数（总数与按类型），尚未巡察的对象（可按类型、所属乡镇筛选，"
    "游标分页），以及按已开展轮次的平均进度研判剩余轮次能否实现全覆盖。"
    "一个对象在本届某轮次有巡察任务且该轮次已到反馈阶段，即算已巡察。",
)
async def get_coverage(
    term_id: uuid.UUID,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    kind: KindFilter = None,
    parent_id: ParentFilter = None,
) -> CoverageRead:
    term = await access.term_for(session, term_id=term_id, actor=access.reader(principal))
    after = decode_cursor(paging.cursor, arity=1)
    result, last_code = await coverage.report(
        session,
        term=term,
        kinds=[k.value for k in kind or []],
        parent_id=parent_id,
        after_code=str(after[0]) if after else None,
        limit=paging.limit,
    )
    if last_code is not None:
        result.still_to_go.next_cursor = encode_cursor([last_code])
    return result

"""HTTP routes: 典型案例通报 Circulars of typical cases; the office drafts and publishes them
to every org of the jurisdiction."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.documents import DOCX_MEDIA_TYPE, docx_response
from xuncha_shared.events.rectification import TypicalCaseKind
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, IsoDate, Now, Paging, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import (
    DATE_ID,
    ERRORS,
    VERSIONED,
    XLSX,
    conflict,
    created,
    roles_allowed,
    versioned,
)

from rectification.access.policy import access_for
from rectification.circulars import repository, service
from rectification.circulars.document import circular_docx
from rectification.circulars.export import circulars_xlsx
from rectification.circulars.repository import CircularFilter
from rectification.circulars.schemas import (
    CaseCreate,
    CircularCreate,
    CircularPage,
    CircularRead,
    CircularStatus,
    CircularUpdate,
)

router = APIRouter(tags=["circulars"], responses=ERRORS)

BASE = "/api/rectification"
CircularId = Annotated[uuid.UUID, Path(title="通报编号")]
CircularOffice = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以起草和印发典型案例通报",
            "Only the inspection office drafts and publishes circulars",
        ),
    ),
]


def circular_filter(
    status: Annotated[CircularStatus | None, Query(title="状态")] = None,
    issued_from: Annotated[IsoDate | None, Query(title="通报日期起")] = None,
    issued_until: Annotated[IsoDate | None, Query(title="通报日期止")] = None,
    kind: Annotated[TypicalCaseKind | None, Query(title="案例类型")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被通报单位编号")] = None,
) -> CircularFilter:
    return CircularFilter(
        status=status.value if status else None,
        issued_from=issued_from,
        issued_until=issued_until,
        kind=kind.value if kind else None,
        org_id=org_id,
    )


Filter = Annotated[CircularFilter, Depends(circular_filter)]


async def _answer(session: DbSession, row: object, response: Response) -> CircularRead:
    (result,) = await service.circular_reads(session, [row])  # type: ignore[list-item]
    return versioned(response, result)


@router.post(
    "/circulars",
    status_code=status.HTTP_201_CREATED,
    response_model=CircularRead,
    summary="起草典型案例通报",
    description="本辖区巡察办起草一份全县（本辖区）范围的典型案例通报（草稿）。"
    "可带 Idempotency-Key。",
)
async def draft_circular(
    body: CircularCreate,
    session: DbSession,
    actor: CircularOffice,
    now: Now,
    idempotent: Idempotent,
    response: Response,
) -> CircularRead:
    row = await service.draft_circular(session, data=body, actor=actor, now=now)
    (result,) = await service.circular_reads(session, [row])
    return await created(response, idempotent, result, location=f"{BASE}/circulars/{row.id}")


@router.get(
    "/circulars",
    response_model=CircularPage,
    summary="查询典型案例通报",
    description="典型案例通报台账：按状态、通报日期、案例类型、被通报单位筛选；按通报日期从新到旧，"
    "游标分页。巡察办、领导小组、纪委监委、组织部可见草稿；被巡察党组织和领办领导只见已印发的。",
)
async def list_circulars(
    session: DbSession, principal: CurrentPrincipal, paging: Paging, where: Filter
) -> CircularPage:
    rows, total = await repository.list_circulars(
        session,
        access=access_for(principal),
        where=where,
        after=DATE_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    rows, next_cursor = split_page(rows, paging.limit, lambda r: [r.issued_on.isoformat(), r.id])
    return CircularPage(
        items=await service.circular_reads(session, rows), next_cursor=next_cursor, total=total
    )


@router.get(
    "/circulars.xlsx",
    summary="导出典型案例通报台账（XLSX）",
    description="筛选条件同“查询典型案例通报”；每个案例一行。",
    response_class=Response,
    responses=XLSX,
)
async def export_circulars(
    session: DbSession, principal: CurrentPrincipal, where: Filter
) -> Response:
    rows, _ = await repository.list_circulars(
        session, access=access_for(principal), where=where, after=None, limit=None
    )
    return circulars_xlsx(await service.circular_reads(session, rows))


@router.get("/circulars/{circular_id}", response_model=CircularRead, summary="查看典型案例通报")
async def get_circular(
    circular_id: CircularId, session: DbSession, principal: CurrentPrincipal, response: Response
) -> CircularRead:
    row = await service.get_circular_for(
        session, circular_id=circular_id, access=access_for(principal)
    )
    return await _answer(session, row, response)


@router.patch(
    "/circulars/{circular_id}",
    response_model=CircularRead,
    summary="修改通报草稿",
    description="修改草稿的标题、通报日期或导语。已印发的不能修改（409）。须带 If-Match。",
    responses=VERSIONED | conflict("通报已印发"),
)
async def update_circular(
    circular_id: CircularId,
    body: CircularUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    actor: CircularOffice,
    now: Now,
    response: Response,
) -> CircularRead:
    row = await service.get_circular_for(
        session, circular_id=circular_id, access=access_for(actor), for_update=True
    )
    row = await service.update_circular(
        session, row=row, data=body, expected_version=expected, actor=actor, now=now
    )
    return await _answer(session, row, response)


@router.post(
    "/circulars/{circular_id}/cases",
    response_model=CircularRead,
    summary="向通报草稿添加典型案例",
    description="添加一个典型案例：本辖区的一项整改任务或一个单位的整改方案（二选一）、案例类型"
    "（整改不力、敷衍整改、虚假整改、拒不整改）和查实的问题。已印发的不能修改（409）。"
    "须带 If-Match。",
    responses=VERSIONED | conflict("通报已印发"),
)
async def add_case(
    circular_id: CircularId,
    body: CaseCreate,
    expected: ExpectedVersion,
    session: DbSession,
    actor: CircularOffice,
    now: Now,
    response: Response,
) -> CircularRead:
    row = await service.get_circular_for(
        session, circular_id=circular_id, access=access_for(actor), for_update=True
    )
    row = await service.add_case(
        session, row=row, data=body, expected_version=expected, actor=actor, now=now
    )
    return await _answer(session, row, response)


@router.delete(
    "/circulars/{circular_id}/cases/{case_id}",
    response_model=CircularRead,
    summary="从通报草稿删除典型案例",
    description="已印发的不能修改（409）。须带 If-Match。",
    responses=VERSIONED | conflict("通报已印发"),
)
async def remove_case(
    circular_id: CircularId,
    case_id: Annotated[uuid.UUID, Path(title="案例编号")],
    expected: ExpectedVersion,
    session: DbSession,
    actor: CircularOffice,
    now: Now,
    response: Response,
) -> CircularRead:
    row = await service.get_circular_for(
        session, circular_id=circular_id, access=access_for(actor), for_update=True
    )
    row = await service.remove_case(
        session, row=row, case_id=case_id, expected_version=expected, actor=actor, now=now
    )
    return await _answer(session, row, response)


@router.post(
    "/circulars/{circular_id}/publish",
    response_model=CircularRead,
    summary="印发典型案例通报",
    description="印发草稿（至少一个案例）：编发文号，通知本辖区全部被巡察党组织，计入成绩单。"
    "已印发的不能再印发（409）。须带 If-Match。",
    responses=VERSIONED | conflict("通报已印发，或没有案例"),
)
async def publish_circular(
    circular_id: CircularId,
    expected: ExpectedVersion,
    session: DbSession,
    actor: CircularOffice,
    now: Now,
    response: Response,
) -> CircularRead:
    row = await service.get_circular_for(
        session, circular_id=circular_id, access=access_for(actor), for_update=True
    )
    row = await service.publish_circular(
        session, row=row, expected_version=expected, actor=actor, now=now
    )
    return await _answer(session, row, response)


@router.get(
    "/circulars/{circular_id}/document.docx",
    summary="下载通报（.docx）",
    description="按本地区文书模板（类型 circular）排版的通报；草稿注明未编号。",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "典型案例通报"}},
)
async def circular_document(
    circular_id: CircularId, session: DbSession, principal: CurrentPrincipal
) -> Response:
    row = await service.get_circular_for(
        session, circular_id=circular_id, access=access_for(principal)
    )
    (circular,) = await service.circular_reads(session, [row])
    content = await circular_docx(session, circular)
    return docx_response(
        content,
        f"{circular.title}（{circular.doc_number or '草稿'}）.docx",
        fallback="circular.docx",
        etag_value=None,
    )

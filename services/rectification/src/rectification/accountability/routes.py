"""HTTP routes: 追责问责 Accountability for weak, perfunctory, fake or refused rectification;
the office and discipline record it, the overseers read the ledger."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import TypicalCaseKind
from xuncha_shared.events.rectification.accountability import AccountabilityForm
from xuncha_shared.http import ExpectedVersion, IsoDate, Now, Paging, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.roster import CadreRank
from xuncha_shared.web import DATE_ID, ERRORS, VERSIONED, XLSX, created, roles_allowed, versioned

from rectification.accountability import repository, service
from rectification.accountability.export import accountability_xlsx
from rectification.accountability.repository import AccountabilityFilter
from rectification.accountability.schemas import (
    AccountabilityCreate,
    AccountabilityPage,
    AccountabilityRead,
    AccountabilityUpdate,
)

router = APIRouter(tags=["accountability"], responses=ERRORS)

BASE = "/api/rectification"
AccountabilityId = Annotated[uuid.UUID, Path(title="问责记录编号")]
Writer = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        Role.discipline,
        why=(
            "只有巡察办和纪委监委可以记录和更正追责问责",
            "Only the office and discipline record and correct accountability",
        ),
    ),
]
Reader = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        Role.leadership,
        Role.discipline,
        Role.organization,
        why=(
            "追责问责台账仅向巡察办、领导小组、纪委监委和组织部开放",
            "The accountability ledger is open to the office, leadership, discipline and "
            "organization only",
        ),
    ),
]


def accountability_filter(
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    form: Annotated[AccountabilityForm | None, Query(title="问责方式")] = None,
    rank: Annotated[CadreRank | None, Query(title="被问责人职级")] = None,
    failure: Annotated[TypicalCaseKind | None, Query(title="问责事由")] = None,
    decided_from: Annotated[IsoDate | None, Query(title="决定日期起")] = None,
    decided_until: Annotated[IsoDate | None, Query(title="决定日期止")] = None,
) -> AccountabilityFilter:
    return AccountabilityFilter(
        org_id=org_id,
        form=form.value if form else None,
        rank=rank.value if rank else None,
        failure=failure.value if failure else None,
        decided_from=decided_from,
        decided_until=decided_until,
    )


Filter = Annotated[AccountabilityFilter, Depends(accountability_filter)]


@router.post(
    "/accountability",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountabilityRead,
    summary="记录追责问责",
    description="本辖区巡察办或纪委监委记录一起追责问责：被巡察对象、涉及的整改方案或任务、问责事由、"
    "被问责人（领导班子名册条目，每人一种问责方式；职级按记录时名册）、决定机关、决定日期和依据。"
    "可带 Idempotency-Key。",
)
async def record_accountability(
    body: AccountabilityCreate,
    session: DbSession,
    actor: Writer,
    now: Now,
    idempotent: Idempotent,
    response: Response,
) -> AccountabilityRead:
    row = await service.record_accountability(session, data=body, actor=actor, now=now)
    (result,) = await service.record_reads(session, [row])
    return await created(response, idempotent, result, location=f"{BASE}/accountability/{row.id}")


@router.get(
    "/accountability",
    response_model=AccountabilityPage,
    summary="查询追责问责台账",
    description="按被巡察对象、问责方式、被问责人职级、问责事由、决定日期筛选；按决定日期从新到旧，"
    "游标分页。仅巡察办、领导小组、纪委监委和组织部可见；被巡察党组织只通过典型案例通报获知。",
)
async def list_accountability(
    session: DbSession, actor: Reader, paging: Paging, where: Filter
) -> AccountabilityPage:
    rows, total = await repository.list_records(
        session,
        jurisdiction=actor.jurisdiction,
        where=where,
        after=DATE_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    rows, next_cursor = split_page(rows, paging.limit, lambda r: [r.decided_on.isoformat(), r.id])
    return AccountabilityPage(
        items=await service.record_reads(session, rows), next_cursor=next_cursor, total=total
    )


@router.get(
    "/accountability.xlsx",
    summary="导出追责问责台账（XLSX）",
    description="筛选条件同“查询追责问责台账”；每位被问责人一行。",
    response_class=Response,
    responses=XLSX,
)
async def export_accountability(session: DbSession, actor: Reader, where: Filter) -> Response:
    rows, _ = await repository.list_records(
        session, jurisdiction=actor.jurisdiction, where=where, after=None, limit=None
    )
    return accountability_xlsx(await service.record_reads(session, rows))


@router.get(
    "/accountability/{accountability_id}",
    response_model=AccountabilityRead,
    summary="查看追责问责记录",
)
async def get_accountability(
    accountability_id: AccountabilityId, session: DbSession, actor: Reader, response: Response
) -> AccountabilityRead:
    row = await service.get_record_for(session, record_id=accountability_id, actor=actor)
    (result,) = await service.record_reads(session, [row])
    return versioned(response, result)


@router.patch(
    "/accountability/{accountability_id}",
    response_model=AccountabilityRead,
    summary="更正追责问责记录",
    description="更正所给的字段（被巡察对象不变）；保留的被问责人保留记录时的职级。须带 If-Match。",
    responses=VERSIONED,
)
async def correct_accountability(
    accountability_id: AccountabilityId,
    body: AccountabilityUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    actor: Writer,
    now: Now,
    response: Response,
) -> AccountabilityRead:
    row = await service.get_record_for(
        session, record_id=accountability_id, actor=actor, for_update=True
    )
    row = await service.correct_accountability(
        session, row=row, data=body, expected_version=expected, actor=actor, now=now
    )
    (result,) = await service.record_reads(session, [row])
    return versioned(response, result)

"""Institutions' routes: the org records them; lists, the ledger and counts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import ERRORS, XLSX, Column, xlsx_ledger

from rectification.access.policy import access_for
from rectification.institutions import service
from rectification.institutions.models import Institution
from rectification.institutions.repository import InstitutionQuery
from rectification.institutions.schemas import InstitutionCounts, InstitutionCreate, InstitutionRead
from rectification.plans.repository import org_names
from rectification.plans.service import get_task_for

router = APIRouter(tags=["institutions"], responses=ERRORS)


@router.post(
    "/tasks/{task_id}/institutions",
    status_code=status.HTTP_201_CREATED,
    response_model=InstitutionRead,
    summary="登记建章立制",
    description="被巡察党组织登记因本任务的问题而出台的制度。可带 Idempotency-Key。",
)
async def post_institution(
    task_id: Annotated[uuid.UUID, Path(title="整改任务编号")],
    body: InstitutionCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
) -> InstitutionRead:
    task = await get_task_for(session, task_id=task_id, access=access_for(principal))
    row = await service.record_institution(session, task=task, data=body, actor=principal, now=now)
    result = InstitutionRead.model_validate(row)
    await idempotent.remember(result, status_code=201)
    return result


def institution_query(
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    task_id: Annotated[uuid.UUID | None, Query(title="整改任务编号")] = None,
) -> InstitutionQuery:
    return InstitutionQuery(org_id=org_id, round_id=round_id, term_id=term_id, task_id=task_id)


InstitutionFilter = Annotated[InstitutionQuery, Depends(institution_query)]


@router.get(
    "/institutions",
    response_model=list[InstitutionRead],
    summary="查询建章立制",
    description="按被巡察对象、轮次、届次或任务筛选，按出台日期排序（最多 1000 条）。",
)
async def list_institutions(
    session: DbSession, principal: CurrentPrincipal, query: InstitutionFilter
) -> list[InstitutionRead]:
    rows = await service.institutions(
        session, access=access_for(principal), query=query, limit=1000
    )
    return [InstitutionRead.model_validate(r) for r in rows]


@router.get(
    "/institutions.xlsx",
    summary="导出建章立制台账（XLSX）",
    description="筛选条件同“查询建章立制”。",
    response_class=Response,
    responses=XLSX,
)
async def export_institutions(
    session: DbSession, principal: CurrentPrincipal, query: InstitutionFilter
) -> Response:
    rows = await service.institutions(
        session, access=access_for(principal), query=query, limit=100_000
    )
    names = await org_names(session, [r.org_id for r in rows])
    columns: list[Column[Institution]] = [
        Column("被巡察对象", lambda r: names.get(r.org_id, str(r.org_id))),
        Column("制度名称", lambda r: r.name),
        Column("文号", lambda r: r.doc_number or ""),
        Column("出台日期", lambda r: r.adopted_on.isoformat()),
        Column("整改任务编号", lambda r: str(r.task_id)),
    ]
    return xlsx_ledger(
        "建章立制", columns, rows, filename="rectification-institutions.xlsx", numbered=True
    )


@router.get(
    "/institutions/counts",
    response_model=InstitutionCounts,
    summary="建章立制统计",
    description="各被巡察对象建章立制数（可限定届次），及合计。",
)
async def institution_counts(
    session: DbSession,
    principal: CurrentPrincipal,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
) -> InstitutionCounts:
    return await service.counts(session, access=access_for(principal), term_id=term_id)

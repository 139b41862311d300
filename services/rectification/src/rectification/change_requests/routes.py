"""HTTP routes: 调整申请 Change requests on a task's decided fields; the office decides."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, Paging, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import (
    ERRORS,
    TIME_ID,
    VERSIONED,
    XLSX,
    conflict,
    created,
    roles_allowed,
    versioned,
)

from rectification.access.policy import access_for
from rectification.change_requests import service
from rectification.change_requests.export import change_requests_xlsx
from rectification.change_requests.repository import ChangeRequestFilter, list_requests
from rectification.change_requests.schemas import (
    ChangeApproval,
    ChangeRejection,
    ChangeRequestCreate,
    ChangeRequestPage,
    ChangeRequestRead,
    ChangeRequestStatus,
)
from rectification.plans.service import get_task_for

router = APIRouter(tags=["change-requests"], responses=ERRORS)

RequestId = Annotated[uuid.UUID, Path(title="调整申请编号")]
# Who acts is checked before the request is read, so a role that never acts on one is told
# 403 whether it exists or not; the record's jurisdiction and org are checked in the service.
OfficeOnly = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=("只有巡察办可以审批调整申请", "Only the inspection office decides change requests"),
    ),
]
InspectedOnly = Annotated[
    Principal,
    roles_allowed(
        Role.inspected,
        why=(
            "只有提出申请的被巡察党组织可以撤回调整申请",
            "Only the inspected org that filed a change request withdraws it",
        ),
    ),
]
BASE = "/api/rectification"


def change_request_filter(
    status: Annotated[list[ChangeRequestStatus] | None, Query(title="状态")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    task_id: Annotated[uuid.UUID | None, Query(title="整改任务编号")] = None,
) -> ChangeRequestFilter:
    return ChangeRequestFilter(
        statuses=tuple(s.value for s in status or []),
        org_id=org_id,
        round_id=round_id,
        task_id=task_id,
    )


Filter = Annotated[ChangeRequestFilter, Depends(change_request_filter)]


@router.post(
    "/tasks/{task_id}/change-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=ChangeRequestRead,
    summary="提出调整申请",
    description="被巡察党组织申请调整本单位任务中由巡察决定、不能自行变更的事项（立行立改任务的"
    "整改时限；方案报送后的整改类型、时限和措施）：至少一项，且与现有的不同，须写明理由。"
    "每项任务同时只能有一项待审批的申请（409）。申请的时限须为今后五年内的工作日。"
    "可带 Idempotency-Key。",
    responses=conflict("任务不在整改中，或已有待审批的调整申请"),
)
async def file_change_request(
    task_id: Annotated[uuid.UUID, Path(title="整改任务编号")],
    body: ChangeRequestCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    response: Response,
) -> ChangeRequestRead:
    task = await get_task_for(
        session, task_id=task_id, access=access_for(principal), for_update=True
    )
    row = await service.file_change_request(session, task=task, data=body, actor=principal, now=now)
    (result,) = await service.request_reads(session, [row])
    return await created(response, idempotent, result, location=f"{BASE}/change-requests/{row.id}")


@router.get(
    "/change-requests",
    response_model=ChangeRequestPage,
    summary="查询调整申请",
    description="调整申请台账：按状态、被巡察对象、轮次、任务筛选；按申请时间排序，游标分页。"
    "可见范围同整改任务。",
)
async def list_change_requests(
    session: DbSession, principal: CurrentPrincipal, paging: Paging, where: Filter
) -> ChangeRequestPage:
    rows, total = await list_requests(
        session,
        access=access_for(principal),
        where=where,
        after=TIME_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    rows, next_cursor = split_page(rows, paging.limit, lambda r: [r.filed_at.isoformat(), r.id])
    return ChangeRequestPage(
        items=await service.request_reads(session, rows), next_cursor=next_cursor, total=total
    )


@router.get(
    "/change-requests.xlsx",
    summary="导出调整申请台账（XLSX）",
    description="筛选条件同“查询调整申请”。",
    response_class=Response,
    responses=XLSX,
)
async def export_change_requests(
    session: DbSession, principal: CurrentPrincipal, where: Filter
) -> Response:
    rows, _ = await list_requests(
        session, access=access_for(principal), where=where, after=None, limit=None
    )
    return change_requests_xlsx(await service.request_reads(session, rows))


@router.get(
    "/change-requests/{change_request_id}",
    response_model=ChangeRequestRead,
    summary="查看调整申请",
)
async def get_change_request(
    change_request_id: RequestId,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> ChangeRequestRead:
    row = await service.get_request_for(
        session, request_id=change_request_id, access=access_for(principal)
    )
    (result,) = await service.request_reads(session, [row])
    return versioned(response, result)


@router.post(
    "/change-requests/{change_request_id}/approve",
    response_model=ChangeRequestRead,
    summary="同意调整申请",
    description="本辖区巡察办同意调整申请：申请的整改类型、时限或措施在同一事务中写入任务"
    "（时限须仍为今后五年内的工作日）。已审批或已撤回的申请不能再审批（409）。须带 If-Match。",
    responses=VERSIONED | conflict("申请已审批或已撤回，或任务不在整改中"),
)
async def approve_change_request(
    change_request_id: RequestId,
    body: ChangeApproval,
    expected: ExpectedVersion,
    session: DbSession,
    principal: OfficeOnly,
    now: Now,
    response: Response,
) -> ChangeRequestRead:
    row = await service.get_request_for(
        session, request_id=change_request_id, access=access_for(principal), for_update=True
    )
    row = await service.approve_change_request(
        session, row=row, data=body, expected_version=expected, actor=principal, now=now
    )
    (result,) = await service.request_reads(session, [row])
    return versioned(response, result)


@router.post(
    "/change-requests/{change_request_id}/reject",
    response_model=ChangeRequestRead,
    summary="不同意调整申请",
    description="本辖区巡察办不同意调整申请，须写明审批意见；任务保持原样。"
    "已审批或已撤回的申请不能再审批（409）。须带 If-Match。",
    responses=VERSIONED | conflict("申请已审批或已撤回"),
)
async def reject_change_request(
    change_request_id: RequestId,
    body: ChangeRejection,
    expected: ExpectedVersion,
    session: DbSession,
    principal: OfficeOnly,
    now: Now,
    response: Response,
) -> ChangeRequestRead:
    row = await service.get_request_for(
        session, request_id=change_request_id, access=access_for(principal), for_update=True
    )
    row = await service.reject_change_request(
        session, row=row, data=body, expected_version=expected, actor=principal, now=now
    )
    (result,) = await service.request_reads(session, [row])
    return versioned(response, result)


@router.post(
    "/change-requests/{change_request_id}/withdraw",
    response_model=ChangeRequestRead,
    summary="撤回调整申请",
    description="被巡察党组织撤回本单位待审批的调整申请。须带 If-Match。",
    responses=VERSIONED | conflict("申请已审批或已撤回"),
)
async def withdraw_change_request(
    change_request_id: RequestId,
    expected: ExpectedVersion,
    session: DbSession,
    principal: InspectedOnly,
    now: Now,
    response: Response,
) -> ChangeRequestRead:
    row = await service.get_request_for(
        session, request_id=change_request_id, access=access_for(principal), for_update=True
    )
    row = await service.withdraw_change_request(
        session, row=row, expected_version=expected, actor=principal, now=now
    )
    (result,) = await service.request_reads(session, [row])
    return versioned(response, result)

"""Planning's HTTP routes: thin, authorization per record, commit at the edge."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, UploadFile, status
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import (
    CurrentPrincipal,
    ExpectedVersion,
    Now,
    Paging,
    decode_cursor,
    read_upload,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.orgs import OrgKind
from xuncha_shared.web import created, paged, problem_responses, versioned

from planning.orgs import repository, service
from planning.orgs.schemas import ImportReport, OrgCreate, OrgPage, OrgRead, OrgUpdate

router = APIRouter(
    tags=["orgs"],
    responses=problem_responses(401, 403, 422),
)


def _office(principal: Principal) -> Principal:
    if not principal.has(Role.office):
        raise Forbidden(
            "只有巡察办可以维护被巡察对象库", "Only the inspection office maintains the registry"
        )
    return principal


@router.post(
    "/orgs",
    status_code=status.HTTP_201_CREATED,
    response_model=OrgRead,
    summary="登记被巡察对象",
    description="巡察办在本辖区的被巡察对象库中新增一个党组织。"
    "可带 Idempotency-Key：重试时只登记一次并返回首次的结果。",
)
async def create_org(
    body: OrgCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> OrgRead:
    org = await service.register_org(session, data=body, actor=_office(principal), now=now)
    location = f"{request.url.path}/{org.id}"
    return await created(response, idempotent, OrgRead.model_validate(org), location=location)


@router.get(
    "/orgs",
    response_model=OrgPage,
    summary="查询被巡察对象",
    description="按类型、上级、关键字筛选，按编码排序，游标分页。",
)
async def list_orgs(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    kind: Annotated[list[OrgKind] | None, Query(title="类型")] = None,
    parent_id: Annotated[uuid.UUID | None, Query(title="上级组织编号")] = None,
    q: Annotated[str | None, Query(max_length=50, title="关键字（名称或编码）")] = None,
    active: Annotated[bool | None, Query(title="是否在巡察范围内")] = None,
) -> OrgPage:
    after = decode_cursor(paging.cursor, arity=1)
    orgs, total = await repository.list_orgs(
        session,
        jurisdiction=principal.jurisdiction,
        kinds=[k.value for k in kind or []],
        parent_id=parent_id,
        q=q,
        active=active,
        after_code=str(after[0]) if after else None,
        limit=paging.limit + 1,
    )
    return paged(
        OrgPage,
        orgs,
        limit=paging.limit,
        total=total,
        cursor_of=lambda o: [o.code],
        read=OrgRead.model_validate,
    )


@router.get("/orgs/{org_id}", response_model=OrgRead, summary="查看被巡察对象")
async def get_org(
    org_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, response: Response
) -> OrgRead:
    org = await service.get_org_for(session, org_id=org_id, actor=principal)
    return versioned(response, OrgRead.model_validate(org))


@router.patch(
    "/orgs/{org_id}",
    response_model=OrgRead,
    summary="修改被巡察对象",
    description="须带 If-Match（上次读取的 ETag），防止覆盖他人的修改。",
)
async def update_org(
    org_id: uuid.UUID,
    body: OrgUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> OrgRead:
    org = await service.update_org(
        session,
        org_id=org_id,
        data=body,
        expected_version=expected,
        actor=_office(principal),
        now=now,
    )
    return versioned(response, OrgRead.model_validate(org))


@router.post(
    "/orgs/import",
    response_model=ImportReport,
    summary="批量导入被巡察对象（CSV/XLSX）",
    description="表头：编码、名称、类型、上级编码（可选：联系人、联系电话、电子邮箱、分管县领导账号；"
    "文件中没有分管县领导账号一列时，已存在的对象保留原分管县领导）。"
    "任何一行有错则整份不导入，并逐行报告错误；已存在的编码按更新处理。",
)
async def import_orgs(
    file: UploadFile, session: DbSession, principal: CurrentPrincipal, now: Now
) -> ImportReport:
    actor = _office(principal)
    content = await read_upload(file)
    return await service.import_orgs(
        session, content=content, filename=file.filename or "", actor=actor, now=now
    )

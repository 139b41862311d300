"""HTTP routes: 人才库 (the talent pool, its import template and import, the avoidance
settings). Groups and assignments have their own folders and routers."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile, status
from xuncha_shared.db import DbSession
from xuncha_shared.exports import XLSX_RESPONSES, attachment
from xuncha_shared.http import (
    CurrentPrincipal,
    ExpectedVersion,
    Now,
    OptionalExpectedVersion,
    Paging,
    decode_cursor,
    read_upload,
    split_page,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import ProblemDetail
from xuncha_shared.web import created, versioned

from planning.pool import (
    repository,
    service,
)
from planning.pool.access import Hierarchy, require_office
from planning.pool.domain import Specialty
from planning.pool.importing import service as import_service
from planning.pool.importing.workbook import template_workbook
from planning.pool.schemas import (
    AvoidanceSettingsRead,
    AvoidanceSettingsUpdate,
    CadreCreate,
    CadrePage,
    CadreRead,
    CadreUpdate,
    PoolImportReport,
)

CadreId = Annotated[uuid.UUID, Path(title="人才库人员编号")]
Workbook = Annotated[UploadFile, File(title="人才库工作簿（.xlsx）")]

router = APIRouter(
    tags=["pool"],
    responses={
        401: {"model": ProblemDetail, "description": "未登录"},
        403: {"model": ProblemDetail, "description": "无权限"},
        422: {"model": ProblemDetail, "description": "输入有误"},
    },
)


@router.post(
    "/cadres",
    status_code=status.HTTP_201_CREATED,
    response_model=CadreRead,
    summary="人员入库",
    description="巡察办把一名干部加入本地区巡察人才库，可同时登记任职经历和亲属关系（回避审查依据）。"
    "可带 Idempotency-Key。",
)
async def create_cadre(
    body: CadreCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    request: Request,
    response: Response,
) -> CadreRead:
    cadre = await service.create_cadre(session, data=body, actor=principal, now=now)
    location = f"{request.url.path}/{cadre.id}"
    (result,) = await service.read_cadres(session, [cadre])
    return await created(response, idempotent, result, location=location)


@router.get(
    "/cadres",
    response_model=CadrePage,
    summary="查询人才库",
    description="按专业领域（任一匹配）、是否可抽调、工作单位、关键字（姓名、编码、单位）筛选，"
    "按编码排序，游标分页。市级巡察办可用 jurisdiction 查看登记在本级之下的县（区）的人才库"
    "（按登记的上下级关系，不按编码前缀）。",
)
async def list_cadres(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    hierarchy: Hierarchy,
    specialty: Annotated[list[Specialty] | None, Query(title="专业领域")] = None,
    available: Annotated[bool | None, Query(title="是否可抽调")] = None,
    unit_org_id: Annotated[uuid.UUID | None, Query(title="工作单位编号")] = None,
    unit: Annotated[str | None, Query(max_length=50, title="工作单位（名称包含）")] = None,
    q: Annotated[str | None, Query(max_length=50, title="关键字")] = None,
    free_in_round: Annotated[
        uuid.UUID | None,
        Query(title="本轮未入组", description="只列出该轮次尚未进入任何巡察组的人员"),
    ] = None,
    jurisdiction: Annotated[
        str | None, Query(max_length=32, title="人才库所属地区", description="默认为本地区")
    ] = None,
) -> CadrePage:
    pool = service.pool_to_list(principal, jurisdiction, hierarchy)
    after = decode_cursor(paging.cursor, arity=1)
    cadres, total = await repository.list_cadres(
        session,
        jurisdiction=pool,
        specialties=[s.value for s in specialty or []],
        available=available,
        unit_org_id=unit_org_id,
        unit=unit,
        q=q,
        free_in_round=free_in_round,
        after_code=str(after[0]) if after else None,
        limit=paging.limit + 1,
    )
    cadres, next_cursor = split_page(cadres, paging.limit, lambda c: [c.code])
    return CadrePage(
        items=await service.read_cadres(session, cadres),
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    "/cadres/import-template.xlsx",
    summary="下载人才库导入模板（Excel）",
    description="工作表人才库、任职经历、亲属关系，表头与导入时识别的一致，各附一行示例；"
    "另有一张填写说明（导入时忽略）。",
    response_class=Response,
    responses=XLSX_RESPONSES,
)
async def import_template(principal: CurrentPrincipal) -> Response:
    actor = require_office(principal)
    return attachment(
        template_workbook(actor.jurisdiction),
        filename="人才库导入模板.xlsx",
        ascii_name="pool-template.xlsx",
    )


@router.get("/cadres/{cadre_id}", response_model=CadreRead, summary="查看人才库人员")
async def get_cadre(
    cadre_id: CadreId,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
    hierarchy: Hierarchy,
) -> CadreRead:
    cadre = await service.get_cadre_for(
        session, cadre_id=cadre_id, actor=principal, hierarchy=hierarchy
    )
    (result,) = await service.read_cadres(session, [cadre])
    return versioned(response, result)


@router.patch(
    "/cadres/{cadre_id}",
    response_model=CadreRead,
    summary="修改人才库人员",
    description="须带 If-Match。posts、relatives 给出时整体替换。",
)
async def update_cadre(
    cadre_id: CadreId,
    body: CadreUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> CadreRead:
    cadre = await service.update_cadre(
        session,
        cadre_id=cadre_id,
        data=body,
        expected_version=expected,
        actor=principal,
        now=now,
    )
    (result,) = await service.read_cadres(session, [cadre])
    return versioned(response, result)


@router.post(
    "/cadres/import",
    response_model=PoolImportReport,
    summary="导入人才库（XLSX）",
    description="Excel 工作簿，按表头识别工作表：人才库（编码、姓名、工作单位、单位编码、专业领域、"
    "家乡乡镇编码、家乡所属地区、是否可抽调、平台账号、联系电话），任职经历（人员编码、单位编码、"
    "所属地区、职务、起始日期、结束日期），亲属关系（人员编码、单位编码、所属地区、关系）。"
    "按编码新增或更新；有任职经历/亲属关系工作表时，表中人员的相应记录整体替换。"
    "任何一处有错则整份不导入，并逐处报告工作表、行号和列。",
)
async def import_pool(
    file: Workbook, session: DbSession, principal: CurrentPrincipal, now: Now
) -> PoolImportReport:
    actor = require_office(principal)
    content = await read_upload(file)
    return await import_service.import_pool(
        session, content=content, filename=file.filename or "", actor=actor, now=now
    )


@router.get(
    "/avoidance-settings",
    response_model=AvoidanceSettingsRead,
    summary="查看回避设置",
    description="本地区的原单位回避年限；未设置时为默认 5 年。",
)
async def get_avoidance_settings(
    session: DbSession, principal: CurrentPrincipal, response: Response
) -> AvoidanceSettingsRead:
    result = await service.get_settings(session, actor=principal)
    return versioned(response, result)


@router.put(
    "/avoidance-settings",
    response_model=AvoidanceSettingsRead,
    summary="设置回避年限",
    description="巡察办设置离开原单位后多少年内须回避。首次设置不带 If-Match，修改须带。",
)
async def put_avoidance_settings(
    body: AvoidanceSettingsUpdate,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> AvoidanceSettingsRead:
    result = await service.put_settings(
        session, data=body, expected_version=expected, actor=principal, now=now
    )
    return versioned(response, result)

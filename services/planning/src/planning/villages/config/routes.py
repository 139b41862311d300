"""HTTP routes of the classification method (分类办法): read, save a version, history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import (
    BadCursor,
    CurrentPrincipal,
    Now,
    OptionalExpectedVersion,
    Paging,
    decode_cursor,
    split_page,
)
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.problems import ProblemDetail
from xuncha_shared.web import saved, versioned

from planning.villages.config import service
from planning.villages.schemas import ClassConfigPage, ClassConfigRead, ClassConfigUpdate
from planning.villages.workflow import READER_ROLES

router = APIRouter(prefix="/village-classification/config")

Version = Annotated[int, Path(ge=1, le=1_000_000, title="版本号")]


def _reader(principal: Principal) -> Principal:
    # Townships enter indicators under this method, so they read it too.
    if not principal.has(*READER_ROLES, Role.inspected):
        raise Forbidden("无权查看村分类办法", "You may not see the classification method")
    return principal


@router.get(
    "",
    response_model=ClassConfigRead,
    summary="查看村分类办法",
    description="本辖区现行的“四定量一定性”分类办法：四项定量指标的权重和分档、定性评价、"
    "分类标准。巡察办尚未制定时为系统默认办法（basis=default）。",
)
async def get_config(
    session: DbSession, principal: CurrentPrincipal, response: Response
) -> ClassConfigRead:
    result = await service.read_config(session, jurisdiction=_reader(principal).jurisdiction)
    return versioned(response, result)


@router.put(
    "",
    response_model=ClassConfigRead,
    summary="制定或修订村分类办法",
    description="巡察办保存新版本的分类办法（五项权重之和须为 100，分档下限从 0 起递增，"
    "先进村最高得分须低于重点村最低得分），此后录入的指标按新办法计分；已计分的村保留原得分，"
    "重新录入指标时按新办法计分。首次制定不带 If-Match（返回 201）；修订须带 If-Match。"
    "可带 Idempotency-Key。",
    responses={
        201: {"model": ClassConfigRead, "description": "已制定第一版"},
        412: {"model": ProblemDetail, "description": "已被他人修订"},
        428: {"model": ProblemDetail, "description": "缺少 If-Match"},
    },
)
async def put_config(
    body: ClassConfigUpdate,
    session: DbSession,
    principal: CurrentPrincipal,
    expected: OptionalExpectedVersion,
    now: Now,
    idempotent: Idempotent,
    response: Response,
) -> ClassConfigRead:
    if not principal.has(Role.office):
        raise Forbidden("只有巡察办可以制定村分类办法", "Only the office sets the method")
    row, created = await service.save_config(
        session, data=body, expected_version=expected, actor=principal, now=now
    )
    result = saved(
        response,
        service.config_read(principal.jurisdiction, row),
        created=created and row.version == 1,
    )
    await idempotent.remember(result, status_code=response.status_code)
    return result


@router.get(
    "/versions",
    response_model=ClassConfigPage,
    summary="村分类办法历次版本",
    description="巡察办制定的各版本，新版本在前，游标分页。",
)
async def list_config_versions(
    session: DbSession, principal: CurrentPrincipal, paging: Paging
) -> ClassConfigPage:
    after = decode_cursor(paging.cursor, arity=1)
    if after is not None and (type(after[0]) is not int):
        raise BadCursor(
            "分页游标无效，请从第一页重新查询",
            "The cursor is invalid; start again from the first page",
            field="cursor",
        )
    items, total = await service.list_config_versions(
        session,
        jurisdiction=_reader(principal).jurisdiction,
        before=after[0] if after else None,
        limit=paging.limit + 1,
    )
    items, next_cursor = split_page(items, paging.limit, lambda c: [c.version])
    return ClassConfigPage(
        items=items,
        next_cursor=next_cursor,
        total=total,
    )


@router.get("/versions/{version}", response_model=ClassConfigRead, summary="查看某版村分类办法")
async def get_config_version(
    version: Version, session: DbSession, principal: CurrentPrincipal, response: Response
) -> ClassConfigRead:
    result = await service.read_config_version(
        session, jurisdiction=_reader(principal).jurisdiction, version=version
    )
    return versioned(response, result)

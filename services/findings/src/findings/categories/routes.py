"""HTTP routes: 问题清单 the problem list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.orgs import OrgKind
from xuncha_shared.web import ERRORS

from findings.access.policy import office_of
from findings.categories import service
from findings.categories.schemas import CategoryRead, CategoryWrite
from findings.categories.taxonomy import effective_categories

router = APIRouter(tags=["settings"], responses=ERRORS)


@router.get(
    "/categories",
    response_model=list[CategoryRead],
    summary="问题清单",
    description="本辖区的问题类别：系统默认（党的领导、党的建设、全面从严治党、四风、三资管理、惠民政策、"
    "人居环境、选人用人、意识形态……）叠加巡察办的调整。可按被巡察对象类型筛选。",
)
async def list_categories(
    session: DbSession,
    principal: CurrentPrincipal,
    org_kind: Annotated[OrgKind | None, Query(title="被巡察对象类型")] = None,
    include_inactive: Annotated[bool, Query(title="含停用类别")] = False,
) -> list[CategoryRead]:
    out = []
    for c in await effective_categories(session, principal.jurisdiction):
        if (not c.active and not include_inactive) or (org_kind and not c.applies_to(org_kind)):
            continue
        out.append(
            CategoryRead(
                code=c.code,
                name=c.name,
                org_kinds=list(c.org_kinds),
                sort_order=c.sort_order,
                active=c.active,
                is_default=c.is_default,
            )
        )
    return out


@router.put(
    "/categories/{code}",
    response_model=CategoryRead,
    summary="设置问题类别",
    description="巡察办新增或修改本辖区的一个问题类别（可改名、限定适用对象类型、停用默认类别）。",
)
async def put_category(
    code: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$", title="类别代码")],
    body: CategoryWrite,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> CategoryRead:
    actor = office_of(principal, "调整问题清单", "edit the problem list")
    return await service.put_category(session, code=code, data=body, actor=actor, now=now)

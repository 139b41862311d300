"""HTTP routes: 问题清单 the problem list, and the jurisdiction's findings settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now, OptionalExpectedVersion, etag
from xuncha_shared.orgs import OrgKind
from xuncha_shared.web import ERRORS, VERSIONED, conflict

from findings.common import repository
from findings.common import settings as jurisdiction_settings
from findings.common.access import office_of
from findings.common.models import ProblemCategory
from findings.common.taxonomy import effective_categories

router = APIRouter(tags=["settings"], responses=ERRORS)


class CategoryRead(BaseModel):
    code: str = Field(title="类别代码")
    name: str = Field(title="类别名称")
    org_kinds: list[OrgKind] = Field(title="适用对象类型", description="为空表示全部类型")
    sort_order: int = Field(title="排序")
    active: bool = Field(title="是否启用")
    is_default: bool = Field(title="是否系统默认")


class CategoryWrite(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "高标准农田建设",
                    "org_kinds": ["township", "village"],
                    "sort_order": 95,
                    "active": True,
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=64, title="类别名称")
    org_kinds: list[OrgKind] = Field(default_factory=list, max_length=6, title="适用对象类型")
    sort_order: int = Field(default=500, ge=0, le=100_000, title="排序")
    active: bool = Field(default=True, title="是否启用")


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
    row = await repository.category_for_update(session, actor.jurisdiction, code)
    kinds = [k.value for k in body.org_kinds]
    if row is None:
        row = ProblemCategory(
            jurisdiction=actor.jurisdiction,
            code=code,
            name=body.name,
            org_kinds=kinds,
            sort_order=body.sort_order,
            active=body.active,
            updated_at=now,
            updated_by=actor.subject,
        )
        session.add(row)
    else:
        row.name, row.org_kinds, row.sort_order, row.active = (
            body.name,
            kinds,
            body.sort_order,
            body.active,
        )
        row.version += 1
        row.updated_at, row.updated_by = now, actor.subject
    await session.flush()
    return CategoryRead(
        code=code,
        name=row.name,
        org_kinds=list(body.org_kinds),
        sort_order=row.sort_order,
        active=row.active,
        is_default=False,
    )


@router.get(
    "/settings",
    response_model=jurisdiction_settings.SettingsRead,
    summary="查看巡察发现设置",
    description="发文机关代字和名称（文号如“温巡建〔2027〕3号”）、函件和转办的回复期限（工作日）、"
    "共性问题相似度阈值、反馈同步抄送单位。未设置时为系统默认值。",
)
async def get_settings(
    session: DbSession, principal: CurrentPrincipal, response: Response
) -> jurisdiction_settings.SettingsRead:
    result = await jurisdiction_settings.effective(session, principal.jurisdiction)
    if result.version is not None:
        response.headers["ETag"] = etag(result.version)
    return result


@router.put(
    "/settings",
    response_model=jurisdiction_settings.SettingsRead,
    summary="修改巡察发现设置",
    description="巡察办设置；首次不带 If-Match（201），修改须带 If-Match。",
    responses={201: {"description": "已设置"}, **conflict("状态不允许（如已反馈）"), **VERSIONED},
)
async def put_settings(
    body: jurisdiction_settings.SettingsWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> jurisdiction_settings.SettingsRead:
    actor = office_of(principal, "修改设置", "change the settings")
    result, created = await jurisdiction_settings.save(
        session, data=body, expected_version=expected, actor=actor, now=now
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    assert result.version is not None
    response.headers["ETag"] = etag(result.version)
    return result

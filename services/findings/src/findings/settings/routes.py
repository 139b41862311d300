"""HTTP routes: the jurisdiction's findings settings."""

from __future__ import annotations

from fastapi import APIRouter, Response
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now, OptionalExpectedVersion
from xuncha_shared.web import ERRORS, VERSIONED, conflict, saved, versioned

from findings.access.policy import office_of
from findings.settings import effective as jurisdiction_settings
from findings.settings import service
from findings.settings.schemas import SettingsRead, SettingsWrite

router = APIRouter(tags=["settings"], responses=ERRORS)


@router.get(
    "/settings",
    response_model=SettingsRead,
    summary="查看巡察发现设置",
    description="发文机关代字和名称（文号如“温巡建〔2027〕3号”）、函件和转办的回复期限（工作日）、"
    "共性问题相似度阈值、反馈同步抄送单位。未设置时为系统默认值。",
)
async def get_settings(
    session: DbSession, principal: CurrentPrincipal, response: Response
) -> SettingsRead:
    result = await jurisdiction_settings.effective(session, principal.jurisdiction)
    return versioned(response, result)


@router.put(
    "/settings",
    response_model=SettingsRead,
    summary="修改巡察发现设置",
    description="巡察办设置；首次不带 If-Match（201），修改须带 If-Match。",
    responses={201: {"description": "已设置"}, **conflict("状态不允许（如已反馈）"), **VERSIONED},
)
async def put_settings(
    body: SettingsWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> SettingsRead:
    actor = office_of(principal, "修改设置", "change the settings")
    result, created = await service.save(
        session, data=body, expected_version=expected, actor=actor, now=now
    )
    return saved(response, result, created=created)

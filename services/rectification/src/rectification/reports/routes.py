"""Reports' routes: the org submits its report; the org or the office records its
disclosures."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, status
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.web import ERRORS, conflict

from rectification.access.policy import access_for
from rectification.plans.service import get_plan_for
from rectification.reports import service
from rectification.reports.schemas import (
    DisclosureCreate,
    DisclosureRead,
    ReportCreate,
    ReportRead,
)

router = APIRouter(tags=["plans"], responses=ERRORS)
PlanId = Annotated[uuid.UUID, Path(title="整改方案编号")]


@router.post(
    "/plans/{plan_id}/report",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportRead,
    summary="报送整改报告",
    description="集中整改期结束时，被巡察党组织报送整改报告，由党组织主要负责人作出真实性承诺。"
    "每个整改方案报送一次。",
    responses=conflict("状态不允许"),
)
async def post_report(
    plan_id: PlanId,
    body: ReportCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> ReportRead:
    plan = await get_plan_for(
        session, plan_id=plan_id, access=access_for(principal), for_update=True
    )
    report = await service.submit_report(session, plan=plan, data=body, actor=principal, now=now)
    return await service.report_read(session, report)


@router.get("/plans/{plan_id}/report", response_model=ReportRead, summary="查看整改报告")
async def get_report(
    plan_id: PlanId, session: DbSession, principal: CurrentPrincipal
) -> ReportRead:
    plan = await get_plan_for(session, plan_id=plan_id, access=access_for(principal))
    report = await service.report_for(session, plan=plan)
    return await service.report_read(session, report)


@router.post(
    "/plans/{plan_id}/report/disclosures",
    status_code=status.HTTP_201_CREATED,
    response_model=DisclosureRead,
    summary="登记整改情况公开",
    description="被巡察党组织或巡察办登记整改报告的公开情况：党内公开或向社会公开、日期和载体。",
)
async def post_disclosure(
    plan_id: PlanId,
    body: DisclosureCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> DisclosureRead:
    plan = await get_plan_for(session, plan_id=plan_id, access=access_for(principal))
    disclosure = await service.record_disclosure(
        session, plan=plan, data=body, actor=principal, now=now
    )
    return DisclosureRead.model_validate(disclosure)

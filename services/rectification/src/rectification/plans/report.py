"""The rectification report (整改报告) at the end of the concentrated period, signed with the
truthfulness commitment, and its disclosure (inside the party, to the public)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import RectificationReportSubmitted
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable
from xuncha_shared.web import ERRORS, conflict
from xuncha_shared.workdays import local_day

from rectification.access import access_for, is_own_org, require_own_org
from rectification.models import Disclosure, Plan, Report
from rectification.plans.opening import AWAITING_FEEDBACK
from rectification.plans.service import get_plan_for
from rectification.progress.schemas import Commitment


class DisclosureScope(StrEnum):
    party = "party"
    """党内公开"""
    public = "public"
    """向社会公开"""


class ReportCreate(BaseModel):
    """The report's text and the party head's commitment."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "content": "根据县委第二巡察组反馈意见，镇党委对反馈的3个方面18个问题全盘认领，"
                    "制定整改方案，明确整改措施46条。集中整改期内已完成整改16个，"
                    "其余2个长期坚持；清退不符合条件低保对象5户，追回资金3.06万元，"
                    "建立完善村级财务管理、低保评审公示等制度4项。",
                    "commitment": {
                        "signed_by": "马某某",
                        "statement": "本人承诺，本报告所述整改情况真实、准确、完整，"
                        "如有虚假整改、敷衍整改，愿承担相应责任。",
                    },
                }
            ]
        },
    )

    content: str = Field(min_length=1, max_length=50_000, title="整改报告正文")
    commitment: Commitment = Field(title="真实性承诺")


class DisclosureCreate(BaseModel):
    """Where and when the report was disclosed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "scope": "public",
                    "disclosed_on": "2027-01-12",
                    "place": "温县纪委监委网站“巡察整改”专栏",
                }
            ]
        },
    )

    scope: DisclosureScope = Field(title="公开范围", description="party 党内；public 社会")
    disclosed_on: date = Field(title="公开日期")
    place: str = Field(
        min_length=1,
        max_length=200,
        title="公开方式或载体",
        description="如 县委巡察网站、党员大会",
    )


class DisclosureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="编号")
    scope: DisclosureScope = Field(title="公开范围")
    disclosed_on: date = Field(title="公开日期")
    place: str = Field(title="公开方式或载体")
    recorded_at: datetime = Field(title="登记时间")


class ReportRead(BaseModel):
    """The rectification report with its disclosures."""

    id: uuid.UUID = Field(title="整改报告编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    content: str = Field(title="正文")
    signed_by: str = Field(title="承诺人")
    commitment: str = Field(title="承诺内容")
    signed_at: datetime = Field(title="承诺时间")
    late: bool = Field(title="是否逾期报送")
    disclosures: list[DisclosureRead] = Field(title="公开情况")


async def submit_report(
    session: AsyncSession, *, plan: Plan, data: ReportCreate, actor: Principal, now: datetime
) -> Report:
    """The org submits its report once, signed; emits ``report.submitted``."""
    require_own_org(actor, jurisdiction=plan.jurisdiction, org_id=plan.org_id)
    if plan.status == AWAITING_FEEDBACK:
        raise Conflict(
            "尚未反馈，不能报送整改报告",
            "No feedback yet; no report can be submitted",
            code="plan-state",
        )
    if await _report_of(session, plan.id) is not None:
        raise Conflict("整改报告已报送", "The report was already submitted", code="report-exists")
    report = Report(
        plan_id=plan.id,
        content=data.content,
        signed_by=data.commitment.signed_by,
        commitment=data.commitment.statement,
        signed_at=now,
        submitted_by=actor.subject,
        late=plan.report_due_on is not None and local_day(now) > plan.report_due_on,
    )
    session.add(report)
    await session.flush()
    await emit(
        session,
        RectificationReportSubmitted(
            jurisdiction=plan.jurisdiction,
            plan_id=plan.id,
            round_id=plan.round_id,
            org_id=plan.org_id,
            report_id=report.id,
            submitted_at=now,
        ),
    )
    return report


async def _report_of(session: AsyncSession, plan_id: uuid.UUID) -> Report | None:
    return await session.scalar(select(Report).where(col(Report.plan_id) == plan_id))


async def report_read(session: AsyncSession, report: Report) -> ReportRead:
    rows = await session.scalars(
        select(Disclosure)
        .where(col(Disclosure.report_id) == report.id)
        .order_by(col(Disclosure.disclosed_on), col(Disclosure.scope), col(Disclosure.id))
    )
    return ReportRead(
        id=report.id,
        plan_id=report.plan_id,
        content=report.content,
        signed_by=report.signed_by,
        commitment=report.commitment,
        signed_at=report.signed_at,
        late=report.late,
        disclosures=[DisclosureRead.model_validate(d) for d in rows],
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
    report = await submit_report(session, plan=plan, data=body, actor=principal, now=now)
    return await report_read(session, report)


@router.get("/plans/{plan_id}/report", response_model=ReportRead, summary="查看整改报告")
async def get_report(
    plan_id: PlanId, session: DbSession, principal: CurrentPrincipal
) -> ReportRead:
    plan = await get_plan_for(session, plan_id=plan_id, access=access_for(principal))
    report = await _report_of(session, plan.id)
    if report is None:
        raise NotFound("整改报告尚未报送", "No report yet", field="plan_id")
    return await report_read(session, report)


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
    if not (
        is_own_org(principal, jurisdiction=plan.jurisdiction, org_id=plan.org_id)
        or principal.has(Role.office)
    ):
        require_own_org(principal, jurisdiction=plan.jurisdiction, org_id=plan.org_id)
    report = await _report_of(session, plan.id)
    if report is None:
        raise Conflict("整改报告尚未报送", "Submit the report first", code="no-report")
    if body.disclosed_on > local_day(now) or body.disclosed_on < local_day(report.signed_at):
        raise Unprocessable(
            "公开日期应在报告报送之后、今天之前",
            "The disclosure date must be between the report and today",
            field="disclosed_on",
            code="bad-disclosed-on",
        )
    disclosure = Disclosure(
        report_id=report.id,
        scope=body.scope.value,
        disclosed_on=body.disclosed_on,
        place=body.place,
        recorded_at=now,
        recorded_by=principal.subject,
    )
    session.add(disclosure)
    await session.flush()
    return DisclosureRead.model_validate(disclosure)

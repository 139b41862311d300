"""Institutions built (建章立制): rules adopted because of a task's problem, counted per org
and term."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import InstitutionBuilt, TaskKind
from xuncha_shared.exports import XLSX_RESPONSES, attachment, workbook
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Unprocessable

from rectification.access import Access, access_for, require_own_org, visible_tasks
from rectification.dates import local_day
from rectification.errors import ERRORS
from rectification.models import ASSIGNMENTS, ORGS, Institution, Task
from rectification.plans.repository import org_names
from rectification.plans.service import get_task_for


class InstitutionCreate(BaseModel):
    """A rule or institution adopted because of the task's problem."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "《赵堡镇村级财务管理办法（试行）》",
                    "adopted_on": "2026-11-26",
                    "doc_number": "赵发〔2026〕27号",
                }
            ]
        },
    )

    name: str = Field(
        min_length=1,
        max_length=200,
        title="制度名称",
        description="如《沅陵县公共租赁住房分配方案》",
    )
    adopted_on: date = Field(title="出台日期")
    doc_number: str | None = Field(default=None, min_length=1, max_length=64, title="文号")


class InstitutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(title="制度编号")
    task_id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    name: str = Field(title="制度名称")
    adopted_on: date = Field(title="出台日期")
    doc_number: str | None = Field(title="文号")
    recorded_at: datetime = Field(title="登记时间")


class InstitutionCount(BaseModel):
    """Institutions built by one org (in a term, when asked)."""

    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    count: int = Field(title="建章立制数")


class InstitutionCounts(BaseModel):
    term_id: uuid.UUID | None = Field(title="届次编号")
    total: int = Field(title="合计")
    orgs: list[InstitutionCount] = Field(title="各单位")


async def record_institution(
    session: AsyncSession, *, task: Task, data: InstitutionCreate, actor: Principal, now: datetime
) -> Institution:
    """The org records an institution built for one of its tasks; emits
    ``institution.built``."""
    require_own_org(actor, jurisdiction=task.jurisdiction, org_id=task.org_id)
    if data.adopted_on > local_day(now):
        raise Unprocessable(
            "出台日期不能晚于今天",
            "The adoption date cannot be in the future",
            field="adopted_on",
            code="future-date",
        )
    row = Institution(
        task_id=task.id,
        plan_id=task.plan_id,
        jurisdiction=task.jurisdiction,
        round_id=task.round_id,
        org_id=task.org_id,
        name=data.name,
        adopted_on=data.adopted_on,
        doc_number=data.doc_number,
        recorded_at=now,
        recorded_by=actor.subject,
    )
    session.add(row)
    await session.flush()
    await emit(
        session,
        InstitutionBuilt(
            jurisdiction=task.jurisdiction,
            task_id=task.id,
            plan_id=task.plan_id,
            problem_id=task.problem_id,
            round_id=task.round_id,
            org_id=task.org_id,
            kind=TaskKind(task.kind),
            institution_id=row.id,
            adopted_on=row.adopted_on,
        ),
    )
    return row


def _visible(access: Access) -> Any:
    """Institutions of the tasks the caller may see."""
    return col(Institution.task_id).in_(select(col(Task.id)).where(visible_tasks(access)))


def _term(term_id: uuid.UUID | None) -> list[Any]:
    if term_id is None:
        return []
    r = ASSIGNMENTS.rounds
    return [col(Institution.round_id).in_(select(r.c.id).where(r.c.term_id == term_id))]


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
    row = await record_institution(session, task=task, data=body, actor=principal, now=now)
    result = InstitutionRead.model_validate(row)
    await idempotent.remember(result, status_code=201)
    return result


def institution_filter(
    principal: CurrentPrincipal,
    org_id: Annotated[uuid.UUID | None, Query(title="被巡察对象编号")] = None,
    round_id: Annotated[uuid.UUID | None, Query(title="轮次编号")] = None,
    term_id: Annotated[uuid.UUID | None, Query(title="届次编号")] = None,
    task_id: Annotated[uuid.UUID | None, Query(title="整改任务编号")] = None,
) -> list[Any]:
    conditions = [_visible(access_for(principal)), *_term(term_id)]
    for column, value in (
        (Institution.org_id, org_id),
        (Institution.round_id, round_id),
        (Institution.task_id, task_id),
    ):
        if value is not None:
            conditions.append(col(column) == value)
    return conditions


InstitutionFilter = Annotated[list[Any], Depends(institution_filter)]


async def _institutions(
    session: AsyncSession, conditions: list[Any], limit: int
) -> list[Institution]:
    rows = await session.scalars(
        select(Institution)
        .where(and_(*conditions))
        .order_by(col(Institution.adopted_on), col(Institution.id))
        .limit(limit)
    )
    return list(rows)


@router.get(
    "/institutions",
    response_model=list[InstitutionRead],
    summary="查询建章立制",
    description="按被巡察对象、轮次、届次或任务筛选，按出台日期排序（最多 1000 条）。",
)
async def list_institutions(session: DbSession, where: InstitutionFilter) -> list[InstitutionRead]:
    return [InstitutionRead.model_validate(r) for r in await _institutions(session, where, 1000)]


@router.get(
    "/institutions.xlsx",
    summary="导出建章立制台账（XLSX）",
    description="筛选条件同“查询建章立制”。",
    response_class=Response,
    responses=XLSX_RESPONSES,
)
async def export_institutions(session: DbSession, where: InstitutionFilter) -> Response:
    rows = await _institutions(session, where, 100_000)
    names = await org_names(session, [r.org_id for r in rows])
    data = workbook(
        "建章立制",
        ["序号", "被巡察对象", "制度名称", "文号", "出台日期", "整改任务编号"],
        (
            [
                i,
                names.get(r.org_id, str(r.org_id)),
                r.name,
                r.doc_number or "",
                r.adopted_on.isoformat(),
                str(r.task_id),
            ]
            for i, r in enumerate(rows, start=1)
        ),
    )
    return attachment(data, filename="rectification-institutions.xlsx")


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
    conditions = [_visible(access_for(principal)), *_term(term_id)]
    rows = await session.execute(
        select(col(Institution.org_id), ORGS.c.name, func.count())
        .outerjoin(ORGS, ORGS.c.id == col(Institution.org_id))
        .where(and_(*conditions))
        .group_by(col(Institution.org_id), ORGS.c.name)
        .order_by(func.count().desc(), col(Institution.org_id))
    )
    orgs = [InstitutionCount(org_id=o, org_name=n, count=int(c)) for o, n, c in rows]
    return InstitutionCounts(term_id=term_id, total=sum(o.count for o in orgs), orgs=orgs)

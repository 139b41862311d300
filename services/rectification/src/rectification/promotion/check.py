"""The promotion check (干部任用必审): before a cadre is promoted, transferred or advanced,
the organization department asks whether rectification he owns (as the leader in charge,
领办, or as the person responsible) or his org's rectification is overdue or unaccepted.

Answered from this service's own tables in one query that the partial indexes on
unaccepted tasks serve (by owner account, responsible person or org), with no call to any
other service: it is asked in the middle of a cadre procedure.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.events.rectification import TaskKind
from xuncha_shared.http import CurrentPrincipal, Now
from xuncha_shared.problems import Unprocessable
from xuncha_shared.web import ERRORS
from xuncha_shared.workdays import local_day

from rectification.models import ORGS, Task

T = Task.__table__  # type: ignore[attr-defined]


class BlockingTask(BaseModel):
    """A task that stops the promotion, with its dates."""

    task_id: uuid.UUID = Field(title="整改任务编号")
    plan_id: uuid.UUID = Field(title="整改方案编号")
    round_id: uuid.UUID = Field(title="轮次编号")
    org_id: uuid.UUID = Field(title="被巡察对象编号")
    org_name: str | None = Field(title="被巡察对象名称")
    category_name: str = Field(title="问题类别")
    description: str = Field(title="问题描述")
    kind: TaskKind = Field(title="整改类型")
    responsible_person: str | None = Field(title="责任人")
    owner_name: str | None = Field(title="领办领导")
    due_on: date = Field(title="整改时限")
    days_overdue: int = Field(title="逾期天数（自然日）")
    status: str = Field(title="状态")
    claimed_at: datetime | None = Field(title="申请销号时间")
    reason_zh: str = Field(title="原因")


class PromotionCheck(BaseModel):
    """The answer: whether anything blocks, and what."""

    account: str | None = Field(title="查询的领办领导账号")
    person: str | None = Field(title="查询的责任人姓名")
    org_id: uuid.UUID | None = Field(title="查询的单位编号")
    as_of: date = Field(title="查询日期")
    blocking: bool = Field(
        title="是否存在逾期或未验收的整改", description="为真时暂停提拔、调动、晋级"
    )
    tasks: list[BlockingTask] = Field(title="阻止事项")


def blocking_query(
    *,
    jurisdiction: str,
    today: date,
    account: str | None,
    person: str | None,
    org_id: uuid.UUID | None,
) -> Select[Any]:
    """The one query of the check: unaccepted tasks past their deadline for the subject."""
    query = (
        select(T, ORGS.c.name.label("org_name"))
        .select_from(T.outerjoin(ORGS, ORGS.c.id == T.c.org_id))
        .where(T.c.status != "accepted", T.c.due_on < today, T.c.jurisdiction == jurisdiction)
    )
    if account is not None:
        query = query.where(T.c.owner_account == account)
    elif person is not None:
        query = query.where(T.c.responsible_person == person)
    else:
        query = query.where(T.c.org_id == org_id)
    return query.order_by(T.c.due_on, T.c.id)


async def check(
    session: AsyncSession,
    *,
    actor: Principal,
    account: str | None,
    person: str | None,
    org_id: uuid.UUID | None,
    now: datetime,
) -> PromotionCheck:
    """Whether rectification the subject owns is overdue or done but unaccepted past its
    deadline, and which tasks."""
    today = local_day(now)
    rows = await session.execute(
        blocking_query(
            jurisdiction=actor.jurisdiction,
            today=today,
            account=account,
            person=person,
            org_id=org_id,
        )
    )
    tasks = [
        BlockingTask(
            task_id=r.id,
            plan_id=r.plan_id,
            round_id=r.round_id,
            org_id=r.org_id,
            org_name=r.org_name,
            category_name=r.category_name,
            description=r.description,
            kind=TaskKind(r.kind),
            responsible_person=r.responsible_person,
            owner_name=r.owner_name,
            due_on=r.due_on,
            days_overdue=(today - r.due_on).days,
            status=r.status,
            claimed_at=r.claimed_at,
            reason_zh="已申请销号，逾期尚未验收通过" if r.status == "claimed" else "逾期未完成整改",
        )
        for r in rows
    ]
    return PromotionCheck(
        account=account,
        person=person,
        org_id=org_id,
        as_of=today,
        blocking=bool(tasks),
        tasks=tasks,
    )


router = APIRouter(tags=["promotion"], responses=ERRORS)


@router.get(
    "/promotion-check",
    response_model=PromotionCheck,
    summary="干部任用必审：整改情况查询",
    description="组织部在干部提拔、调动、晋级前查询：某领导（领办领导账号）、某责任人（姓名）或某单位"
    "是否有逾期未完成、或已申请销号但逾期未验收的整改任务，并列出这些任务及其期限。"
    "三个条件须且只须给出一个。仅组织部和巡察办可查。",
)
async def promotion_check(
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    account: Annotated[
        str | None, Query(min_length=1, max_length=128, title="领办领导账号")
    ] = None,
    person: Annotated[str | None, Query(min_length=1, max_length=50, title="责任人姓名")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="单位编号")] = None,
) -> PromotionCheck:
    if not principal.has(Role.organization, Role.office):
        raise Forbidden(
            "干部任用必审查询仅向组织部和巡察办开放",
            "The promotion check is open to the organization department and the office",
        )
    if sum(x is not None for x in (account, person, org_id)) != 1:
        raise Unprocessable(
            "请给出且只给出一个查询条件：领办领导账号、责任人姓名或单位编号",
            "Give exactly one of account, person or org_id",
            field="account",
            code="one-subject",
        )
    return await check(
        session, actor=principal, account=account, person=person, org_id=org_id, now=now
    )

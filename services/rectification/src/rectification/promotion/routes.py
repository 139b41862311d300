"""The promotion check's route, for the organization department and the office."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import Now
from xuncha_shared.problems import Unprocessable
from xuncha_shared.web import ERRORS, roles_allowed

from rectification.promotion import service
from rectification.promotion.schemas import PromotionCheck

router = APIRouter(tags=["promotion"], responses=ERRORS)

Checker = Annotated[
    Principal,
    roles_allowed(
        Role.organization,
        Role.office,
        why=(
            "干部任用必审查询仅向组织部和巡察办开放",
            "The promotion check is open to the organization department and the office",
        ),
    ),
]


@router.get(
    "/promotion-check",
    response_model=PromotionCheck,
    summary="干部任用必审：整改情况查询",
    description="组织部在干部提拔、调动、晋级前查询：某领导（领办领导账号）、某责任人（姓名）或某单位"
    "是否有逾期未完成、或已申请销号但逾期未验收的整改任务，并列出这些任务及其期限；"
    "按领导班子名册条目查询时，另列出问责过此人的追责问责记录（同一条目，或名册以同一平台账号"
    "关联的其他任职条目）。四个条件须且只须给出一个。仅组织部和巡察办可查。",
)
async def promotion_check(
    session: DbSession,
    principal: Checker,
    now: Now,
    account: Annotated[
        str | None, Query(min_length=1, max_length=128, title="领办领导账号")
    ] = None,
    person: Annotated[str | None, Query(min_length=1, max_length=50, title="责任人姓名")] = None,
    org_id: Annotated[uuid.UUID | None, Query(title="单位编号")] = None,
    member_id: Annotated[uuid.UUID | None, Query(title="领导班子名册条目编号")] = None,
) -> PromotionCheck:
    if sum(x is not None for x in (account, person, org_id, member_id)) != 1:
        raise Unprocessable(
            "请给出且只给出一个查询条件：领办领导账号、责任人姓名、单位编号或名册条目编号",
            "Give exactly one of account, person, org_id or member_id",
            field="account",
            code="one-subject",
        )
    return await service.check(
        session,
        actor=principal,
        account=account,
        person=person,
        org_id=org_id,
        member_id=member_id,
        now=now,
    )

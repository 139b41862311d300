"""The rules' routes: read by anyone of the jurisdiction, set by the office."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, Now, OptionalExpectedVersion
from xuncha_shared.web import problem_responses, roles_allowed, saved, versioned

from rectification.rules import service
from rectification.rules.schemas import Rules, RulesRead

router = APIRouter(tags=["rules"], responses=problem_responses(401, 403, 422))

Office = Annotated[
    Principal,
    roles_allowed(
        Role.office, why=("只有巡察办可以设置整改规则", "Only the inspection office sets the rules")
    ),
]

CREATED: dict[int | str, dict[str, Any]] = {201: {"model": RulesRead, "description": "已设置"}}


@router.get(
    "/rules",
    response_model=RulesRead,
    summary="查看整改规则",
    description="本辖区的整改节奏、到期提醒、红黄牌规则和评估权重；未设置时为系统默认值。",
)
async def get_rules(
    session: DbSession, principal: CurrentPrincipal, response: Response
) -> RulesRead:
    result = await service.rules_of(session, jurisdiction=principal.jurisdiction)
    return versioned(response, result)


@router.put(
    "/rules",
    response_model=RulesRead,
    summary="设置整改规则",
    description="巡察办设置本辖区的整改规则。首次设置不带 If-Match（返回 201），修改须带 If-Match。"
    "已生成的期限不变，此后反馈的整改方案按新规则计算。",
    responses=CREATED | problem_responses(412, 428),
)
async def put_rules(
    body: Rules,
    expected: OptionalExpectedVersion,
    session: DbSession,
    actor: Office,
    now: Now,
    response: Response,
) -> RulesRead:
    result, created = await service.set_rules(
        session, rules=body, expected_version=expected, actor=actor, now=now
    )
    return saved(response, result, created=created)

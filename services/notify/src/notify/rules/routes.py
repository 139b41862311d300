"""HTTP routes: 通知规则 Routing rules. Read by the office and the leadership; changed only
by the office, for its own jurisdiction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import ExpectedVersion, Now, OptionalExpectedVersion
from xuncha_shared.web import ERRORS, VERSIONED, XLSX, Column, roles_allowed, saved, versioned

from notify.config import CurrentSettings
from notify.exports import xlsx_ledger_in
from notify.rules import service
from notify.rules.schemas import EventTypeList, EventTypeRead, RuleList, RuleRead, RuleWrite
from notify.rules.spec import KEY_PATTERN

router = APIRouter(tags=["rules"], responses=ERRORS)

RuleKey = Annotated[str, Path(pattern=KEY_PATTERN, title="规则键", description="如 card-raised")]
READERS = (Role.office, Role.leadership)


Reader = Annotated[
    Principal,
    roles_allowed(
        *READERS,
        why=(
            "只有巡察办和领导小组可以查看通知规则",
            "Only the inspection office and the leadership may read the rules",
        ),
    ),
]
Exporter = Annotated[
    Principal,
    roles_allowed(
        *READERS,
        why=(
            "只有巡察办和领导小组可以导出通知规则",
            "Only the inspection office and the leadership may export the rules",
        ),
    ),
]
TypeReader = Annotated[
    Principal,
    roles_allowed(
        *READERS,
        why=(
            "只有巡察办和领导小组可以查看事件类型",
            "Only the inspection office and the leadership may read the event types",
        ),
    ),
]
Setter = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以设置通知规则",
            "Only the inspection office may change the rules",
        ),
    ),
]
Reverter = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以修改通知规则",
            "Only the inspection office may change the rules",
        ),
    ),
]


def _audiences(rule: RuleRead) -> str:
    return "；".join(
        f"角色 {a.role.label_zh}" if a.role else f"{a.kind.value} {a.field}" for a in rule.audiences
    )


COLUMNS: list[Column[RuleRead]] = [
    Column("规则键", lambda r: r.key),
    Column("事件", lambda r: r.event_title),
    Column("事件类型", lambda r: r.event_type),
    Column("条件", lambda r: "；".join(f"{k}={v}" for k, v in r.conditions.items())),
    Column("受众", _audiences),
    Column("渠道", lambda r: [c.value for c in r.channels]),
    Column("启用", lambda r: r.active),
    Column("来源", lambda r: r.source.value),
    Column("说明", lambda r: r.description),
]


@router.get(
    "/rules",
    response_model=RuleList,
    summary="查看通知规则",
    description="本辖区生效的通知规则：系统默认规则（source=default）、修改过的默认规则"
    "（override）和新增规则（custom）。",
)
async def list_rules(session: DbSession, principal: Reader) -> RuleList:
    return RuleList(items=await service.list_rules(session, jurisdiction=principal.jurisdiction))


@router.get(
    "/rules/export.xlsx", summary="导出通知规则（Excel）", response_class=Response, responses=XLSX
)
async def export_rules(
    settings: CurrentSettings, session: DbSession, principal: Exporter
) -> Response:
    rules = await service.list_rules(session, jurisdiction=principal.jurisdiction)
    return xlsx_ledger_in(settings.timezone, "通知规则", COLUMNS, rules, filename="通知规则.xlsx")


@router.get(
    "/event-types",
    response_model=EventTypeList,
    summary="可配置通知的事件类型",
    description="事件目录中的全部事件类型，以及规则可用作条件、单位受众、个人受众的字段。",
)
async def list_event_types(principal: TypeReader) -> EventTypeList:
    return EventTypeList(items=[EventTypeRead.model_validate(t) for t in service.event_types()])


@router.get("/rules/{key}", response_model=RuleRead, summary="查看一条通知规则")
async def get_rule(
    key: RuleKey, session: DbSession, principal: Reader, response: Response
) -> RuleRead:
    rule = await service.get_rule(session, jurisdiction=principal.jurisdiction, key=key)
    # A default rule never saved has no version to send back.
    return versioned(response, rule)


@router.put(
    "/rules/{key}",
    response_model=RuleRead,
    summary="设置通知规则",
    description="巡察办为本辖区设置一条规则：键与默认规则相同时替换默认规则，否则新增。"
    "首次保存不带 If-Match（返回 201），修改须带 If-Match。事件类型、角色、字段须在事件目录中，"
    "否则返回 422 并指明字段；问题线索事件只能发给线索管理人（keeper_account）和承办部门"
    "（recipient_org_id）。",
    responses={201: {"model": RuleRead, "description": "已保存"}, **VERSIONED},
)
async def put_rule(
    key: RuleKey,
    body: RuleWrite,
    expected: OptionalExpectedVersion,
    session: DbSession,
    actor: Setter,
    now: Now,
    response: Response,
) -> RuleRead:
    rule, created = await service.save_rule(
        session, key=key, data=body, expected_version=expected, actor=actor, now=now
    )
    return saved(response, rule, created=created)


@router.delete(
    "/rules/{key}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="恢复默认规则 / 删除新增规则",
    description="删除本辖区保存的规则：默认规则恢复为系统默认，新增规则不再生效。须带 If-Match。",
    responses=VERSIONED,
)
async def delete_rule(
    key: RuleKey, expected: ExpectedVersion, session: DbSession, actor: Reverter
) -> Response:
    await service.delete_rule(session, key=key, expected_version=expected, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

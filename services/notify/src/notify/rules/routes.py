"""HTTP routes: 通知规则 Routing rules. Read by the office and the leadership; changed only
by the office, for its own jurisdiction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status
from xuncha_shared.db import DbSession
from xuncha_shared.exports import XLSX_MEDIA_TYPE
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, OptionalExpectedVersion, etag

from notify.access import ERRORS, VERSIONED, office_of, office_or_leadership, settings_of
from notify.exports import xlsx_response
from notify.rules import service
from notify.rules.schemas import EventTypeList, EventTypeRead, RuleList, RuleRead, RuleWrite
from notify.rules.spec import KEY_PATTERN

router = APIRouter(tags=["rules"], responses=ERRORS)

RuleKey = Annotated[str, Path(pattern=KEY_PATTERN, title="规则键", description="如 card-raised")]


@router.get(
    "/rules",
    response_model=RuleList,
    summary="查看通知规则",
    description="本辖区生效的通知规则：系统默认规则（source=default）、修改过的默认规则"
    "（override）和新增规则（custom）。",
)
async def list_rules(session: DbSession, principal: CurrentPrincipal) -> RuleList:
    office_or_leadership(principal, "查看通知规则", "read the rules")
    return RuleList(items=await service.list_rules(session, principal.jurisdiction))


@router.get(
    "/rules/export.xlsx",
    summary="导出通知规则（Excel）",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def export_rules(
    request: Request, session: DbSession, principal: CurrentPrincipal
) -> Response:
    office_or_leadership(principal, "导出通知规则", "export the rules")
    rules = await service.list_rules(session, principal.jurisdiction)

    def audiences(rule: RuleRead) -> str:
        return "；".join(
            f"角色 {a.role.label_zh}" if a.role else f"{a.kind.value} {a.field}"
            for a in rule.audiences
        )

    return xlsx_response(
        filename="通知规则.xlsx",
        sheet="通知规则",
        headers=("规则键", "事件", "事件类型", "条件", "受众", "渠道", "启用", "来源", "说明"),
        rows=(
            (
                r.key, r.event_title, r.event_type,
                "；".join(f"{k}={v}" for k, v in r.conditions.items()),
                audiences(r), [c.value for c in r.channels], r.active, r.source.value,
                r.description,
            )
            for r in rules
        ),
        timezone=settings_of(request).timezone,
    )  # fmt: skip


@router.get(
    "/event-types",
    response_model=EventTypeList,
    summary="可配置通知的事件类型",
    description="事件目录中的全部事件类型，以及规则可用作条件、单位受众、个人受众的字段。",
)
async def list_event_types(principal: CurrentPrincipal) -> EventTypeList:
    office_or_leadership(principal, "查看事件类型", "read the event types")
    return EventTypeList(items=[EventTypeRead.model_validate(t) for t in service.event_types()])


@router.get("/rules/{key}", response_model=RuleRead, summary="查看一条通知规则")
async def get_rule(
    key: RuleKey, session: DbSession, principal: CurrentPrincipal, response: Response
) -> RuleRead:
    office_or_leadership(principal, "查看通知规则", "read the rules")
    rule = await service.get_rule(session, principal.jurisdiction, key)
    if rule.version is not None:
        response.headers["ETag"] = etag(rule.version)
    return rule


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
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> RuleRead:
    actor = office_of(principal, "设置通知规则", "change the rules")
    rule, created = await service.save_rule(
        session, key=key, data=body, expected_version=expected, actor=actor, now=now
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    assert rule.version is not None
    response.headers["ETag"] = etag(rule.version)
    return rule


@router.delete(
    "/rules/{key}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="恢复默认规则 / 删除新增规则",
    description="删除本辖区保存的规则：默认规则恢复为系统默认，新增规则不再生效。须带 If-Match。",
    responses=VERSIONED,
)
async def delete_rule(
    key: RuleKey, expected: ExpectedVersion, session: DbSession, principal: CurrentPrincipal
) -> Response:
    actor = office_of(principal, "修改通知规则", "change the rules")
    await service.delete_rule(session, key=key, expected_version=expected, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

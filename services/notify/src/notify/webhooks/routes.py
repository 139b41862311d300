"""HTTP routes: Webhook 订阅 Subscriptions. The office manages those of its jurisdiction; a
department manages its own org's (the org in its token); no one else has webhooks. The
secret is shown only when a subscription is created or its secret rotated."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, ExpectedVersion, Now, Page, Paging, split_page
from xuncha_shared.idempotency import Idempotent
from xuncha_shared.web import ERRORS, TIME_ID, VERSIONED, XLSX, Column, created, versioned

from notify.config import CurrentSettings
from notify.delivery import service as delivery_log
from notify.delivery.repository import DeliveryFilter
from notify.delivery.routes import newest_first_key
from notify.delivery.schemas import DeliveryDetail, DeliveryStatus
from notify.exports import xlsx_ledger_in
from notify.webhooks import service
from notify.webhooks.models import Subscription
from notify.webhooks.schemas import (
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPage,
    SubscriptionRead,
    SubscriptionSecret,
    SubscriptionUpdate,
)

router = APIRouter(prefix="/subscriptions", tags=["webhooks"], responses=ERRORS)

SubscriptionId = Annotated[uuid.UUID, Path(title="订阅编号")]

COLUMNS: list[Column[Subscription]] = [
    Column("订阅编号", lambda s: str(s.id)),
    Column("单位编号", lambda s: str(s.org_id)),
    Column("接收地址", lambda s: s.url),
    Column("事件类型", lambda s: s.event_types or ["全部"]),
    Column("说明", lambda s: s.description),
    Column("启用", lambda s: s.active),
    Column("创建时间", lambda s: s.created_at),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SubscriptionCreated,
    summary="订阅 Webhook",
    description="为一个单位（部门系统）订阅通知：该单位收到的每条通知（可限定事件类型）以 POST "
    "推送到接收地址，按 Standard Webhooks 规范签名（webhook-id、webhook-timestamp、"
    "webhook-signature）。签名密钥只在此时返回一次。巡察办可为本辖区任一单位订阅，部门只能为本单位订阅，"
    "其他角色（如被巡察单位）不能订阅。接收地址须解析为公网地址（生产环境须为 https），"
    "每次投递前再次解析核对并连接核对过的地址；不跟随重定向，投递日志只记状态码和耗时。",
)
async def create_subscription(
    body: SubscriptionCreate,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    idempotent: Idempotent,
    settings: CurrentSettings,
    request: Request,
    response: Response,
) -> SubscriptionCreated:
    sub, secret = await service.create_subscription(
        session, data=body, actor=principal, now=now, settings=settings
    )
    location = f"{request.url.path}/{sub.id}"
    return await created(
        response,
        idempotent,
        SubscriptionCreated(**SubscriptionRead.model_validate(sub).model_dump(), secret=secret),
        location=location,
    )


@router.get(
    "",
    response_model=SubscriptionPage,
    summary="查询 Webhook 订阅",
    description="巡察办看本辖区全部，部门看本单位的。",
)
async def list_subscriptions(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    org_id: Annotated[uuid.UUID | None, Query(title="订阅单位编号")] = None,
) -> SubscriptionPage:
    subs, total = await service.list_subscriptions(
        session,
        actor=principal,
        org_id=org_id,
        after=TIME_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(
        subs, paging.limit, lambda s: [s.created_at.isoformat(), str(s.id)]
    )
    return SubscriptionPage(
        items=[SubscriptionRead.model_validate(s) for s in page],
        next_cursor=next_cursor,
        total=total,
    )


@router.get(
    "/export.xlsx", summary="导出 Webhook 订阅（Excel）", response_class=Response, responses=XLSX
)
async def export_subscriptions(
    settings: CurrentSettings, session: DbSession, principal: CurrentPrincipal
) -> Response:
    subs, _ = await service.list_subscriptions(
        session, actor=principal, org_id=None, after=None, limit=100_000
    )
    return xlsx_ledger_in(
        settings.timezone, "Webhook订阅", COLUMNS, subs, filename="Webhook订阅.xlsx"
    )


@router.get("/{subscription_id}", response_model=SubscriptionRead, summary="查看 Webhook 订阅")
async def get_subscription(
    subscription_id: SubscriptionId,
    session: DbSession,
    principal: CurrentPrincipal,
    response: Response,
) -> SubscriptionRead:
    sub = await service.get_subscription(session, subscription_id=subscription_id, actor=principal)
    return versioned(response, SubscriptionRead.model_validate(sub))


@router.patch(
    "/{subscription_id}",
    response_model=SubscriptionRead,
    summary="修改 Webhook 订阅",
    description="修改接收地址、事件类型、说明、启用状态。须带 If-Match。",
    responses=VERSIONED,
)
async def patch_subscription(
    subscription_id: SubscriptionId,
    body: SubscriptionUpdate,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    settings: CurrentSettings,
    response: Response,
) -> SubscriptionRead:
    sub = await service.update_subscription(
        session,
        subscription_id=subscription_id,
        data=body,
        expected_version=expected,
        actor=principal,
        now=now,
        settings=settings,
    )
    return versioned(response, SubscriptionRead.model_validate(sub))


@router.post(
    "/{subscription_id}/rotate-secret",
    response_model=SubscriptionSecret,
    summary="更换签名密钥",
    description="生成新的签名密钥并只返回这一次；此后的投递（含重试）都用新密钥签名。"
    "须带 If-Match。",
    responses=VERSIONED,
)
async def rotate_secret(
    subscription_id: SubscriptionId,
    settings: CurrentSettings,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> SubscriptionSecret:
    sub, secret = await service.rotate_secret(
        session,
        subscription_id=subscription_id,
        expected_version=expected,
        actor=principal,
        now=now,
        settings=settings,
    )
    return versioned(
        response,
        SubscriptionSecret(
            id=sub.id, secret=secret, secret_rotated_at=sub.secret_rotated_at, version=sub.version
        ),
    )


@router.delete(
    "/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="取消 Webhook 订阅",
    description="须带 If-Match。尚未送达的投递转为死信；投递记录保留。",
    responses=VERSIONED,
)
async def delete_subscription(
    subscription_id: SubscriptionId,
    expected: ExpectedVersion,
    session: DbSession,
    principal: CurrentPrincipal,
    now: Now,
) -> Response:
    await service.delete_subscription(
        session,
        subscription_id=subscription_id,
        expected_version=expected,
        actor=principal,
        now=now,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{subscription_id}/deliveries",
    response_model=Page[DeliveryDetail],
    summary="订阅的投递日志",
    description="该订阅的每次投递及其全部尝试（时间、HTTP 状态码、错误摘要），按时间倒序。",
)
async def subscription_deliveries(
    subscription_id: SubscriptionId,
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status_: Annotated[DeliveryStatus | None, Query(alias="status", title="状态")] = None,
) -> Page[DeliveryDetail]:
    sub = await service.get_subscription(session, subscription_id=subscription_id, actor=principal)
    rows, total = await delivery_log.list_deliveries(
        session,
        where=DeliveryFilter(
            jurisdiction=None,
            subscription_id=sub.id,
            status=status_.value if status_ else None,
        ),
        after=TIME_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(rows, paging.limit, newest_first_key)
    return Page[DeliveryDetail](
        items=await delivery_log.details(session, rows=page), next_cursor=next_cursor, total=total
    )

"""HTTP routes: 投递记录与死信 Deliveries. The office of a jurisdiction lists every delivery,
its attempts, the dead letters, and replays them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from xuncha_shared.db import DbSession
from xuncha_shared.http import (
    BadCursor,
    CurrentPrincipal,
    Now,
    Paging,
    decode_cursor,
    split_page,
)
from xuncha_shared.problems import Conflict, NotFound, ProblemDetail

from notify.access import ERRORS, PLAIN, office_of, settings_of
from notify.delivery import repository
from notify.delivery.models import DEAD, PENDING, Delivery
from notify.delivery.repository import DeliveryFilter
from notify.delivery.schemas import (
    AttemptRead,
    DeliveryChannel,
    DeliveryDetail,
    DeliveryPage,
    DeliveryRead,
    DeliveryStatus,
)
from notify.exports import xlsx_response

router = APIRouter(prefix="/deliveries", tags=["deliveries"], responses=ERRORS)

DeliveryId = Annotated[uuid.UUID, Path(title="投递编号")]


def after_key(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    after = decode_cursor(cursor, arity=2)
    if after is None:
        return None
    try:
        return datetime.fromisoformat(str(after[0])), uuid.UUID(str(after[1]))
    except ValueError:
        raise BadCursor(
            "分页游标无效，请从第一页重新查询",
            "The cursor is invalid; start again from the first page",
            field="cursor",
        ) from None


def cursor_of(d: Delivery) -> list[str]:
    return [d.created_at.isoformat(), str(d.id)]


async def details(session: DbSession, rows: list[Delivery]) -> list[DeliveryDetail]:
    attempts = await repository.attempts_of(session, [d.id for d in rows])
    return [
        DeliveryDetail(
            **DeliveryRead.model_validate(d).model_dump(),
            attempt_log=[AttemptRead.model_validate(a) for a in attempts[d.id]],
        )
        for d in rows
    ]


@router.get(
    "",
    response_model=DeliveryPage,
    summary="投递记录",
    description="巡察办查看本辖区的 Webhook 和电子邮件投递：状态、尝试次数、最近错误。"
    "status=dead 即死信列表。按创建时间倒序，游标分页。",
)
async def list_deliveries(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    status: Annotated[DeliveryStatus | None, Query(title="状态")] = None,
    channel: Annotated[DeliveryChannel | None, Query(title="渠道")] = None,
    subscription_id: Annotated[uuid.UUID | None, Query(title="订阅编号")] = None,
    event_type: Annotated[
        str | None, Query(max_length=200, pattern=PLAIN, title="事件类型")
    ] = None,
) -> DeliveryPage:
    office_of(principal, "查看投递记录", "read the delivery log")
    rows, total = await repository.list_deliveries(
        session,
        DeliveryFilter(
            jurisdiction=principal.jurisdiction,
            status=status.value if status else None,
            channel=channel.value if channel else None,
            subscription_id=subscription_id,
            event_type=event_type,
        ),
        after=after_key(paging.cursor),
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(rows, paging.limit, cursor_of)
    return DeliveryPage(
        items=[DeliveryRead.model_validate(d) for d in page], next_cursor=next_cursor, total=total
    )


@router.get(
    "/export.xlsx",
    summary="导出投递记录（Excel）",
    response_class=Response,
    responses={
        200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}
    },
)
async def export_deliveries(
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    status: Annotated[DeliveryStatus | None, Query(title="状态")] = None,
) -> Response:
    office_of(principal, "导出投递记录", "export the delivery log")
    rows, _ = await repository.list_deliveries(
        session,
        DeliveryFilter(
            jurisdiction=principal.jurisdiction, status=status.value if status else None
        ),
        after=None,
        limit=100_000,
    )
    return xlsx_response(
        filename="投递记录.xlsx",
        sheet="投递记录",
        headers=(
            "投递编号", "渠道", "目标", "事件类型", "状态", "尝试次数", "最近状态码", "最近错误",
            "创建时间", "送达时间", "汇总日期",
        ),
        rows=(
            (
                str(d.id), d.channel, d.target, d.event_type, d.status, d.attempts,
                d.last_status_code, d.last_error, d.created_at, d.delivered_at, d.digest_day,
            )
            for d in rows
        ),
        timezone=settings_of(request).timezone,
    )  # fmt: skip


@router.get("/{delivery_id}", response_model=DeliveryDetail, summary="查看投递及尝试记录")
async def get_delivery(
    delivery_id: DeliveryId, session: DbSession, principal: CurrentPrincipal
) -> DeliveryDetail:
    office_of(principal, "查看投递记录", "read the delivery log")
    d = await repository.get_delivery(session, delivery_id, principal.jurisdiction)
    if d is None:
        raise NotFound("没有这条投递记录", "No such delivery", field="delivery_id")
    (detail,) = await details(session, [d])
    return detail


@router.post(
    "/{delivery_id}/replay",
    response_model=DeliveryRead,
    summary="重放死信",
    description="巡察办在排除原因后重新投递一条死信：状态回到待发送，立即尝试，重试次数重新计算。",
    responses={409: {"model": ProblemDetail, "description": "不是死信"}},
)
async def replay(
    delivery_id: DeliveryId, session: DbSession, principal: CurrentPrincipal, now: Now
) -> DeliveryRead:
    office_of(principal, "重放死信", "replay dead letters")
    d = await repository.get_delivery(session, delivery_id, principal.jurisdiction, for_update=True)
    if d is None:
        raise NotFound("没有这条投递记录", "No such delivery", field="delivery_id")
    if d.status != DEAD:
        raise Conflict("只能重放死信", "Only dead letters can be replayed", field="delivery_id")
    d.status = PENDING
    d.attempts = 0
    d.next_attempt_at = now
    d.updated_at = now
    await session.flush()
    return DeliveryRead.model_validate(d)

"""HTTP routes: 投递记录与死信 Deliveries. The office of a jurisdiction lists every delivery,
its attempts, the dead letters, and replays them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import Now, Paging, split_page
from xuncha_shared.web import ERRORS, TIME_ID, XLSX, Column, conflict, roles_allowed

from notify.config import CurrentSettings
from notify.delivery import service
from notify.delivery.models import Delivery
from notify.delivery.repository import DeliveryFilter
from notify.delivery.schemas import (
    DeliveryChannel,
    DeliveryDetail,
    DeliveryPage,
    DeliveryRead,
    DeliveryStatus,
)
from notify.exports import xlsx_ledger_in
from notify.schemas import PLAIN

router = APIRouter(prefix="/deliveries", tags=["deliveries"], responses=ERRORS)

DeliveryId = Annotated[uuid.UUID, Path(title="投递编号")]


LogReader = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以查看投递记录",
            "Only the inspection office may read the delivery log",
        ),
    ),
]
LogExporter = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以导出投递记录",
            "Only the inspection office may export the delivery log",
        ),
    ),
]
Replayer = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以重放死信",
            "Only the inspection office may replay dead letters",
        ),
    ),
]

COLUMNS: list[Column[Delivery]] = [
    Column("投递编号", lambda d: str(d.id)),
    Column("渠道", lambda d: d.channel),
    Column("目标", lambda d: d.target),
    Column("事件类型", lambda d: d.event_type),
    Column("状态", lambda d: d.status),
    Column("尝试次数", lambda d: d.attempts),
    Column("最近状态码", lambda d: d.last_status_code),
    Column("最近错误", lambda d: d.last_error),
    Column("创建时间", lambda d: d.created_at),
    Column("送达时间", lambda d: d.delivered_at),
    Column("汇总日期", lambda d: d.digest_day),
]


def newest_first_key(d: Delivery) -> list[str]:
    """The sort key a page of deliveries continues after (see :data:`TIME_ID`)."""
    return [d.created_at.isoformat(), str(d.id)]


@router.get(
    "",
    response_model=DeliveryPage,
    summary="投递记录",
    description="巡察办查看本辖区的 Webhook 和电子邮件投递：状态、尝试次数、最近错误。"
    "status=dead 即死信列表。按创建时间倒序，游标分页。",
)
async def list_deliveries(
    session: DbSession,
    principal: LogReader,
    paging: Paging,
    status: Annotated[DeliveryStatus | None, Query(title="状态")] = None,
    channel: Annotated[DeliveryChannel | None, Query(title="渠道")] = None,
    subscription_id: Annotated[uuid.UUID | None, Query(title="订阅编号")] = None,
    event_type: Annotated[
        str | None, Query(max_length=200, pattern=PLAIN, title="事件类型")
    ] = None,
) -> DeliveryPage:
    rows, total = await service.list_deliveries(
        session,
        where=DeliveryFilter(
            jurisdiction=principal.jurisdiction,
            status=status.value if status else None,
            channel=channel.value if channel else None,
            subscription_id=subscription_id,
            event_type=event_type,
        ),
        after=TIME_ID.decode(paging.cursor),
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(rows, paging.limit, newest_first_key)
    return DeliveryPage(
        items=[DeliveryRead.model_validate(d) for d in page], next_cursor=next_cursor, total=total
    )


@router.get(
    "/export.xlsx", summary="导出投递记录（Excel）", response_class=Response, responses=XLSX
)
async def export_deliveries(
    settings: CurrentSettings,
    session: DbSession,
    principal: LogExporter,
    status: Annotated[DeliveryStatus | None, Query(title="状态")] = None,
) -> Response:
    rows, _ = await service.list_deliveries(
        session,
        where=DeliveryFilter(
            jurisdiction=principal.jurisdiction, status=status.value if status else None
        ),
        after=None,
        limit=100_000,
    )
    return xlsx_ledger_in(settings.timezone, "投递记录", COLUMNS, rows, filename="投递记录.xlsx")


@router.get("/{delivery_id}", response_model=DeliveryDetail, summary="查看投递及尝试记录")
async def get_delivery(
    delivery_id: DeliveryId, session: DbSession, principal: LogReader
) -> DeliveryDetail:
    d = await service.delivery_in(
        session, delivery_id=delivery_id, jurisdiction=principal.jurisdiction
    )
    (detail,) = await service.details(session, rows=[d])
    return detail


@router.post(
    "/{delivery_id}/replay",
    response_model=DeliveryRead,
    summary="重放死信",
    description="巡察办在排除原因后重新投递一条死信：状态回到待发送，立即尝试，重试次数重新计算。",
    responses=conflict("不是死信"),
)
async def replay(
    delivery_id: DeliveryId, session: DbSession, principal: Replayer, now: Now
) -> DeliveryRead:
    d = await service.replay(
        session, delivery_id=delivery_id, jurisdiction=principal.jurisdiction, now=now
    )
    return DeliveryRead.model_validate(d)

"""HTTP routes: 站内消息 Inbox. Everyone reads only their own inbox (items for their account,
their org and their roles in their jurisdiction); the office also lists and exports every
notification of its jurisdiction."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from xuncha_shared.auth import Principal, Role
from xuncha_shared.db import DbSession
from xuncha_shared.http import CurrentPrincipal, IsoDateTime, Now, Page, Paging, split_page
from xuncha_shared.web import ERRORS, SEQ, XLSX, Column, roles_allowed

from notify.config import CurrentSettings
from notify.exports import xlsx_ledger_in
from notify.inbox import repository, service
from notify.inbox.audience import Viewer
from notify.inbox.models import Notification
from notify.inbox.schemas import InboxItem, InboxPage, MarkedRead, UnreadCount

router = APIRouter(tags=["inbox"], responses=ERRORS)

NotificationId = Annotated[uuid.UUID, Path(title="消息编号")]
EventTypes = Annotated[list[str] | None, Query(alias="event_type", max_length=50, title="事件类型")]
Since = Annotated[IsoDateTime | None, Query(title="起始时间（含）", description="带时区")]
Until = Annotated[IsoDateTime | None, Query(title="截止时间（不含）", description="带时区")]


Lister = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=(
            "只有巡察办可以查看本辖区全部通知",
            "Only the inspection office may list every notification",
        ),
    ),
]
Exporter = Annotated[
    Principal,
    roles_allowed(
        Role.office,
        why=("只有巡察办可以导出通知", "Only the inspection office may export notifications"),
    ),
]

INBOX_COLUMNS: list[Column[InboxItem]] = [
    Column("序号", lambda i: i.seq),
    Column("时间", lambda i: i.created_at),
    Column("事件类型", lambda i: i.event_type),
    Column("事件名称", lambda i: i.event_title),
    Column("标题", lambda i: i.title),
    Column("内容", lambda i: i.body),
    Column("是否已读", lambda i: i.read),
    Column("阅读时间", lambda i: i.read_at),
    Column("链接", lambda i: i.link),
]
NOTIFICATION_COLUMNS: list[Column[Notification]] = [
    Column("序号", lambda n: n.seq),
    Column("时间", lambda n: n.created_at),
    Column("事件类型", lambda n: n.event_type),
    Column("标题", lambda n: n.title),
    Column("内容", lambda n: n.body),
    Column("受众类型", lambda n: n.audience_kind),
    Column("受众", lambda n: n.audience_value),
    Column("面向的角色", lambda n: "、".join(n.roles)),
    Column("规则", lambda n: n.rule_key),
    Column("链接", lambda n: n.link),
]


def _before(cursor: str | None) -> int | None:
    """The sequence number a newest-first page continues below."""
    after = SEQ.decode(cursor)
    return after[0] if after is not None else None


@router.get(
    "/inbox",
    response_model=InboxPage,
    summary="我的站内消息",
    description="登录用户的消息：发给本人账号、本单位、本人角色（本辖区）的通知。"
    "可按未读、事件类型、时间段筛选；按时间倒序，游标分页。",
)
async def list_inbox(
    session: DbSession,
    principal: CurrentPrincipal,
    paging: Paging,
    event_type: EventTypes = None,
    unread: Annotated[bool | None, Query(title="只看未读（true）或已读（false）")] = None,
    since: Since = None,
    until: Until = None,
) -> InboxPage:
    items, total = await repository.list_items(
        session,
        Viewer.of(principal),
        service.inbox_filter(unread=unread, event_types=event_type, since=since, until=until),
        before_seq=_before(paging.cursor),
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(items, paging.limit, lambda i: [i.seq])
    return InboxPage(items=page, next_cursor=next_cursor, total=total)


@router.get(
    "/inbox/export.xlsx",
    summary="导出我的站内消息（Excel）",
    description="登录用户导出自己的消息，筛选条件同“我的站内消息”（最多 10 万条，按时间倒序）。",
    response_class=Response,
    responses=XLSX,
)
async def export_inbox(
    settings: CurrentSettings,
    session: DbSession,
    principal: CurrentPrincipal,
    event_type: EventTypes = None,
    unread: Annotated[bool | None, Query(title="只看未读（true）或已读（false）")] = None,
    since: Since = None,
    until: Until = None,
) -> Response:
    items, _ = await repository.list_items(
        session,
        Viewer.of(principal),
        service.inbox_filter(unread=unread, event_types=event_type, since=since, until=until),
        before_seq=None,
        limit=100_000,
    )
    return xlsx_ledger_in(
        settings.timezone, "我的消息", INBOX_COLUMNS, items, filename="我的消息.xlsx"
    )


@router.get("/inbox/unread-count", response_model=UnreadCount, summary="未读消息数")
async def unread_count(session: DbSession, principal: CurrentPrincipal) -> UnreadCount:
    return UnreadCount(unread=await repository.unread_count(session, Viewer.of(principal)))


@router.post("/inbox/read-all", response_model=MarkedRead, summary="全部标为已读")
async def read_all(session: DbSession, principal: CurrentPrincipal, now: Now) -> MarkedRead:
    return MarkedRead(marked=await repository.mark_all_read(session, Viewer.of(principal), now))


def _sse(item: InboxItem) -> str:
    data = json.dumps(item.model_dump(mode="json"), ensure_ascii=False)
    return f"id: {item.seq}\nevent: notification\ndata: {data}\n\n"


async def _stream(
    request: Request,
    maker: async_sessionmaker[AsyncSession],
    viewer: Viewer,
    after: int,
    *,
    limit: int,
    timeout: float,
    poll: float,
    keepalive: float,
    token_seconds_left: float | None,
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    # The stream ends when the caller's token expires: reconnecting needs a valid one.
    token_deadline = None if token_seconds_left is None else loop.time() + token_seconds_left
    if token_deadline is not None:
        deadline = min(deadline, token_deadline)
    quiet_since = loop.time()
    sent = 0
    yield ": connected\nretry: 3000\n\n"
    while sent < limit and loop.time() < deadline:
        if await request.is_disconnected():
            return
        async with maker() as session:
            items = await repository.items_after(session, viewer, after, limit - sent)
        for item in items:
            after = item.seq
            sent += 1
            yield _sse(item)
        if items:
            quiet_since = loop.time()
        elif loop.time() - quiet_since >= keepalive:
            quiet_since = loop.time()
            yield ": keep-alive\n\n"
        if sent < limit:
            # Never sleep past the deadline: an expired token is not served a moment longer.
            await asyncio.sleep(max(0.0, min(poll, deadline - loop.time())))
    if token_deadline is not None and loop.time() >= token_deadline:
        yield ": token expired\n\n"


@router.get(
    "/inbox/stream",
    summary="实时消息推送（SSE）",
    description="服务器推送事件（text/event-stream）：连接后每条新消息推送一个 notification 事件，"
    "id 为消息序号。断线重连时浏览器带 Last-Event-ID，从其后继续推送。连接在推送 limit 条或 "
    "timeout 秒后结束，客户端自动重连；访问令牌到期时连接随即结束，须以新令牌重连。",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "事件流"}},
)
async def stream(
    request: Request,
    settings: CurrentSettings,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=10_000, title="推送条数上限")] = 1000,
    timeout: Annotated[float, Query(gt=0, le=3600, title="连接时长上限（秒）")] = 600,
    after: Annotated[int | None, Query(ge=0, title="从该序号之后推送")] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
) -> StreamingResponse:
    runtime = request.app.state.runtime
    viewer = Viewer.of(principal)
    start = after
    if start is None and last_event_id is not None and last_event_id.strip().isdigit():
        start = int(last_event_id.strip())
    if start is None:
        # Only what arrives from now on: the inbox list has the rest.
        async with runtime.sessionmaker() as session:
            start = await repository.last_seq(session, viewer)
    return StreamingResponse(
        _stream(
            request,
            runtime.sessionmaker,
            viewer,
            start,
            limit=limit,
            timeout=timeout,
            poll=settings.stream_poll_seconds,
            keepalive=settings.stream_keepalive_seconds,
            token_seconds_left=principal.seconds_left(datetime.now(UTC)),
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/inbox/{notification_id}/read", response_model=InboxItem, summary="标为已读")
async def read_one(
    notification_id: NotificationId, session: DbSession, principal: CurrentPrincipal, now: Now
) -> InboxItem:
    return await service.mark_read(
        session, viewer=Viewer.of(principal), notification_id=notification_id, now=now
    )


@router.get("/inbox/{notification_id}", response_model=InboxItem, summary="查看一条消息")
async def get_one(
    notification_id: NotificationId, session: DbSession, principal: CurrentPrincipal
) -> InboxItem:
    return await service.own_item(
        session, viewer=Viewer.of(principal), notification_id=notification_id
    )


class NotificationRow(InboxItem):
    """A notification as the office lists it (read state is per account, so not shown)."""


@router.get(
    "/notifications",
    response_model=Page[NotificationRow],
    summary="本辖区全部通知（巡察办）",
    description="巡察办查看本辖区产生的全部通知及其受众，按时间倒序，游标分页。",
)
async def list_notifications(
    session: DbSession,
    principal: Lister,
    paging: Paging,
    event_type: EventTypes = None,
    since: Since = None,
    until: Until = None,
) -> Page[NotificationRow]:
    rows, total = await repository.jurisdiction_notifications(
        session,
        principal.jurisdiction,
        service.inbox_filter(unread=None, event_types=event_type, since=since, until=until),
        before_seq=_before(paging.cursor),
        limit=paging.limit + 1,
    )
    page, next_cursor = split_page(rows, paging.limit, lambda n: [n.seq])
    items = [NotificationRow.model_validate(repository.item(n, None).model_dump()) for n in page]
    return Page[NotificationRow](items=items, next_cursor=next_cursor, total=total)


@router.get(
    "/notifications/export.xlsx",
    summary="导出本辖区通知（Excel）",
    response_class=Response,
    responses=XLSX,
)
async def export_notifications(
    settings: CurrentSettings,
    session: DbSession,
    principal: Exporter,
    event_type: EventTypes = None,
    since: Since = None,
    until: Until = None,
) -> Response:
    rows, _ = await repository.jurisdiction_notifications(
        session,
        principal.jurisdiction,
        service.inbox_filter(unread=None, event_types=event_type, since=since, until=until),
        before_seq=None,
        limit=100_000,
    )
    return xlsx_ledger_in(
        settings.timezone, "通知台账", NOTIFICATION_COLUMNS, rows, filename="通知台账.xlsx"
    )

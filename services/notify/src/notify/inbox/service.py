"""The inbox: a person's own items, read state, and the office's view of its jurisdiction."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.problems import NotFound, Unprocessable

from notify.inbox import repository
from notify.inbox.audience import Viewer
from notify.inbox.repository import InboxFilter
from notify.inbox.schemas import InboxItem


def inbox_filter(
    *,
    unread: bool | None,
    event_types: list[str] | None,
    since: datetime | None,
    until: datetime | None,
) -> InboxFilter:
    """The list's filters, checked: known event types, a period that runs forward."""
    for i, t in enumerate(event_types or ()):
        if t not in CATALOG:
            raise Unprocessable(
                f"未知的事件类型：{t[:200]!r}",
                "Unknown event type",
                field=f"event_type.{i}",
                code="unknown-event-type",
            )
    if since is not None and until is not None and since >= until:
        raise Unprocessable("起始时间须早于截止时间", "since must be before until", field="since")
    return InboxFilter(unread=unread, event_types=event_types or (), since=since, until=until)


async def own_item(
    session: AsyncSession, *, viewer: Viewer, notification_id: uuid.UUID
) -> InboxItem:
    """One of the viewer's items; anyone else's is as good as missing."""
    found = await repository.get_item(session, viewer, notification_id)
    if found is None:
        raise NotFound("没有这条消息", "No such message", field="notification_id")
    return found


async def mark_read(
    session: AsyncSession, *, viewer: Viewer, notification_id: uuid.UUID, now: datetime
) -> InboxItem:
    """Mark one of the viewer's items read (the first reading is the one kept)."""
    await own_item(session, viewer=viewer, notification_id=notification_id)
    await repository.mark_read(session, viewer, [notification_id], now)
    return await own_item(session, viewer=viewer, notification_id=notification_id)

"""All SQL of the inbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.http import count_up_to_cap

from notify.inbox.audience import Viewer
from notify.inbox.models import (
    AUDIENCE_ACCOUNT,
    AUDIENCE_ORG,
    AUDIENCE_ROLE,
    Notification,
    NotificationRead,
)
from notify.inbox.schemas import InboxItem


@dataclass(frozen=True)
class InboxFilter:
    unread: bool | None = None
    event_types: Sequence[str] = ()
    since: datetime | None = None
    until: datetime | None = None


def visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """Notifications addressed to ``viewer``: to its account; to its org and meant for one of
    its roles (the notification role rule, ``notify.rules.meant_for``); to one of its roles
    in its jurisdiction."""
    kind, value = col(Notification.audience_kind), col(Notification.audience_value)
    by_org: ColumnElement[bool] = (
        and_(
            kind == AUDIENCE_ORG,
            value == viewer.org_id.lower(),
            Notification.__table__.c.roles.overlap(sorted(viewer.roles)),  # type: ignore[attr-defined]
        )
        if viewer.org_id and viewer.roles
        else false()
    )
    return and_(
        col(Notification.in_inbox).is_(True),
        or_(
            and_(kind == AUDIENCE_ACCOUNT, value == viewer.account),
            by_org,
            and_(
                kind == AUDIENCE_ROLE,
                value.in_(sorted(viewer.roles)),
                col(Notification.jurisdiction) == viewer.jurisdiction,
            ),
        ),
    )


def item(n: Notification, read_at: datetime | None) -> InboxItem:
    cls = CATALOG.get(n.event_type)
    assert n.seq is not None
    return InboxItem(
        id=n.id,
        seq=n.seq,
        event_id=n.event_id,
        event_type=n.event_type,
        event_title=cls.title_zh if cls is not None else n.event_type,
        subject=n.subject,
        title=n.title,
        body=n.body,
        link=n.link,
        audience_kind=n.audience_kind,
        audience_value=n.audience_value,
        roles=list(n.roles),
        created_at=n.created_at,
        read=read_at is not None,
        read_at=read_at,
    )


def _joined(viewer: Viewer) -> Any:
    return select(Notification, col(NotificationRead.read_at)).outerjoin(
        NotificationRead,
        and_(
            col(NotificationRead.notification_id) == col(Notification.id),
            col(NotificationRead.account) == viewer.account,
        ),
    )


def _conditions(where: InboxFilter) -> list[Any]:
    out: list[Any] = []
    if where.unread is True:
        out.append(col(NotificationRead.read_at).is_(None))
    elif where.unread is False:
        out.append(col(NotificationRead.read_at).is_not(None))
    if where.event_types:
        out.append(col(Notification.event_type).in_(list(where.event_types)))
    if where.since is not None:
        out.append(col(Notification.created_at) >= where.since)
    if where.until is not None:
        out.append(col(Notification.created_at) < where.until)
    return out


async def list_items(
    session: AsyncSession,
    viewer: Viewer,
    where: InboxFilter,
    *,
    before_seq: int | None,
    limit: int,
) -> tuple[list[InboxItem], int]:
    """Newest first."""
    conditions = [visible_to(viewer), *_conditions(where)]
    count_stmt = (
        select(func.count())
        .select_from(Notification)
        .outerjoin(
            NotificationRead,
            and_(
                col(NotificationRead.notification_id) == col(Notification.id),
                col(NotificationRead.account) == viewer.account,
            ),
        )
        .where(*conditions)
    )
    total = int(await session.scalar(count_stmt) or 0)
    stmt = _joined(viewer).where(*conditions)
    if before_seq is not None:
        stmt = stmt.where(col(Notification.seq) < before_seq)
    stmt = stmt.order_by(col(Notification.seq).desc()).limit(limit)
    rows = (await session.execute(stmt)).all()
    return [item(n, read_at) for n, read_at in rows], total


async def items_after(
    session: AsyncSession, viewer: Viewer, after_seq: int, limit: int
) -> list[InboxItem]:
    """New items (oldest first) for the live stream."""
    stmt = (
        _joined(viewer)
        .where(visible_to(viewer), col(Notification.seq) > after_seq)
        .order_by(col(Notification.seq))
        .limit(limit)
    )
    return [item(n, read_at) for n, read_at in (await session.execute(stmt)).all()]


async def last_seq(session: AsyncSession, viewer: Viewer) -> int:
    stmt = select(func.max(col(Notification.seq))).where(visible_to(viewer))
    return int(await session.scalar(stmt) or 0)


async def unread_count(session: AsyncSession, viewer: Viewer) -> int:
    _, total = await list_items(session, viewer, InboxFilter(unread=True), before_seq=None, limit=0)
    return total


async def get_item(
    session: AsyncSession, viewer: Viewer, notification_id: uuid.UUID
) -> InboxItem | None:
    stmt = _joined(viewer).where(visible_to(viewer), col(Notification.id) == notification_id)
    row = (await session.execute(stmt)).first()
    return item(row[0], row[1]) if row is not None else None


async def mark_read(
    session: AsyncSession, viewer: Viewer, notification_ids: Sequence[uuid.UUID], now: datetime
) -> int:
    if not notification_ids:
        return 0
    result = await session.execute(
        insert(NotificationRead)
        .values(
            [
                {"notification_id": i, "account": viewer.account, "read_at": now}
                for i in notification_ids
            ]
        )
        .on_conflict_do_nothing()
        .returning(col(NotificationRead.notification_id))
    )
    return len(result.all())


async def mark_all_read(session: AsyncSession, viewer: Viewer, now: datetime) -> int:
    unread = (
        select(col(Notification.id), literal(viewer.account), literal(now))
        .outerjoin(
            NotificationRead,
            and_(
                col(NotificationRead.notification_id) == col(Notification.id),
                col(NotificationRead.account) == viewer.account,
            ),
        )
        .where(visible_to(viewer), col(NotificationRead.read_at).is_(None))
    )
    result = await session.execute(
        insert(NotificationRead)
        .from_select(["notification_id", "account", "read_at"], unread)
        .on_conflict_do_nothing()
        .returning(col(NotificationRead.notification_id))
    )
    return len(result.all())


async def jurisdiction_notifications(
    session: AsyncSession,
    jurisdiction: str,
    where: InboxFilter,
    *,
    before_seq: int | None,
    limit: int,
) -> tuple[list[Notification], int]:
    """The office's view: every notification of its jurisdiction, newest first."""
    conditions = [col(Notification.jurisdiction) == jurisdiction]
    if where.event_types:
        conditions.append(col(Notification.event_type).in_(list(where.event_types)))
    if where.since is not None:
        conditions.append(col(Notification.created_at) >= where.since)
    if where.until is not None:
        conditions.append(col(Notification.created_at) < where.until)
    total = await count_up_to_cap(session, select(Notification).where(*conditions))
    stmt = select(Notification).where(*conditions)
    if before_seq is not None:
        stmt = stmt.where(col(Notification.seq) < before_seq)
    stmt = stmt.order_by(col(Notification.seq).desc()).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def items_between(
    session: AsyncSession, viewer: Viewer, start: datetime, end: datetime
) -> list[Notification]:
    """The viewer's items created after ``start`` up to ``end``, oldest first."""
    stmt = (
        select(Notification)
        .where(
            visible_to(viewer),
            col(Notification.created_at) > start,
            col(Notification.created_at) <= end,
        )
        .order_by(col(Notification.seq))
    )
    return list((await session.execute(stmt)).scalars())


async def add_notification(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Record a notification; False when the event already gave this rule and audience one."""
    inserted = await session.execute(
        insert(Notification)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(col(Notification.id))
    )
    return inserted.first() is not None

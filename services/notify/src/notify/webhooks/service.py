"""Webhook subscriptions: the office manages those of its jurisdiction; a department (any
account whose token carries the org) manages its own org's."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.http import check_version
from xuncha_shared.problems import NotFound, Unprocessable

from notify.access import org_uuid
from notify.config import NotifySettings
from notify.delivery.models import DEAD, PENDING, Delivery
from notify.webhooks.models import Subscription
from notify.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate
from notify.webhooks.sealing import seal
from notify.webhooks.signing import new_secret


def visible(principal: Principal) -> ColumnElement[bool]:
    """Subscriptions the caller may see and manage."""
    base = col(Subscription.deleted).is_(False)
    if principal.has(Role.office):
        return base & (col(Subscription.jurisdiction) == principal.jurisdiction)
    org = org_uuid(principal)
    if org is None:
        raise Forbidden(
            "只有巡察办和订阅单位可以管理 Webhook 订阅",
            "Only the office and the subscribing org manage webhook subscriptions",
        )
    return base & (col(Subscription.org_id) == org)


def check_event_types(types: list[str]) -> list[str]:
    for i, t in enumerate(types):
        if t not in CATALOG:
            raise Unprocessable(
                f"未知的事件类型：{t}",
                f"Unknown event type: {t}",
                field=f"event_types.{i}",
                code="unknown-event-type",
            )
    return list(dict.fromkeys(types))


def _check_roles(actor: Principal, roles: list[Role]) -> list[str]:
    if roles and not actor.has(Role.office):
        raise Forbidden(
            "只有巡察办可以设置订阅代表的角色",
            "Only the inspection office sets the roles a subscription stands for",
        )
    return sorted({r.value for r in roles})


def _check_url(url: str) -> str:
    if len(url) > 2000:
        raise Unprocessable("接收地址太长", "The URL is too long", field="url")
    return url


async def get_subscription(
    session: AsyncSession, subscription_id: uuid.UUID, actor: Principal, *, for_update: bool = False
) -> Subscription:
    stmt = select(Subscription).where(col(Subscription.id) == subscription_id, visible(actor))
    if for_update:
        stmt = stmt.with_for_update()
    sub = (
        await session.execute(stmt.execution_options(populate_existing=True))
    ).scalar_one_or_none()
    if sub is None:
        raise NotFound("没有这个订阅", "No such subscription", field="subscription_id")
    return sub


async def list_subscriptions(
    session: AsyncSession,
    actor: Principal,
    *,
    org_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> tuple[list[Subscription], int]:
    conditions = [visible(actor)]
    if org_id is not None:
        conditions.append(col(Subscription.org_id) == org_id)
    total = int(
        await session.scalar(select(func.count()).select_from(Subscription).where(*conditions)) or 0
    )
    stmt = select(Subscription).where(*conditions)
    if after is not None:
        stmt = stmt.where(
            (col(Subscription.created_at) > after[0])
            | ((col(Subscription.created_at) == after[0]) & (col(Subscription.id) > after[1]))
        )
    stmt = stmt.order_by(col(Subscription.created_at), col(Subscription.id)).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def create_subscription(
    session: AsyncSession,
    *,
    data: SubscriptionCreate,
    actor: Principal,
    now: datetime,
    settings: NotifySettings,
) -> tuple[Subscription, str]:
    """Returns the subscription and its secret (stored sealed when keys are configured)."""
    own = org_uuid(actor)
    if actor.has(Role.office):
        if data.org_id is None:
            raise Unprocessable("须填写订阅单位", "org_id is required", field="org_id")
        org_id = data.org_id
    elif own is not None and data.org_id in (None, own):
        org_id = own
    else:
        raise Forbidden(
            "只能为本单位订阅 Webhook", "A department may subscribe only for its own org"
        )
    sub = Subscription(
        jurisdiction=actor.jurisdiction,
        org_id=org_id,
        url=_check_url(str(data.url)),
        secret=seal(settings, secret := new_secret()),
        event_types=check_event_types(data.event_types),
        roles=_check_roles(actor, data.roles),
        description=data.description,
        active=data.active,
        created_at=now,
        updated_at=now,
        secret_rotated_at=now,
        created_by=actor.subject,
    )
    session.add(sub)
    await session.flush()
    return sub, secret


async def update_subscription(
    session: AsyncSession,
    *,
    subscription_id: uuid.UUID,
    data: SubscriptionUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Subscription:
    sub = await get_subscription(session, subscription_id, actor, for_update=True)
    check_version(sub.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("url") is not None:
        sub.url = _check_url(str(data.url))
    if changes.get("event_types") is not None:
        sub.event_types = check_event_types(list(changes["event_types"]))
    if data.roles is not None:
        sub.roles = _check_roles(actor, data.roles)
    if changes.get("description") is not None:
        sub.description = str(changes["description"])
    if changes.get("active") is not None:
        sub.active = bool(changes["active"])
    sub.version += 1
    sub.updated_at = now
    await session.flush()
    return sub


async def rotate_secret(
    session: AsyncSession,
    *,
    subscription_id: uuid.UUID,
    expected_version: int,
    actor: Principal,
    now: datetime,
    settings: NotifySettings,
) -> tuple[Subscription, str]:
    sub = await get_subscription(session, subscription_id, actor, for_update=True)
    check_version(sub.version, expected_version)
    secret = new_secret()
    sub.secret = seal(settings, secret)
    sub.secret_rotated_at = now
    sub.version += 1
    sub.updated_at = now
    await session.flush()
    return sub, secret


async def delete_subscription(
    session: AsyncSession,
    *,
    subscription_id: uuid.UUID,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> None:
    """Soft delete (the delivery log keeps pointing at it); its pending deliveries are
    dead-lettered with the reason."""
    sub = await get_subscription(session, subscription_id, actor, for_update=True)
    check_version(sub.version, expected_version)
    sub.deleted = True
    sub.active = False
    sub.version += 1
    sub.updated_at = now
    await session.execute(
        Delivery.__table__.update()  # type: ignore[attr-defined]
        .where(
            Delivery.__table__.c.subscription_id == sub.id,  # type: ignore[attr-defined]
            Delivery.__table__.c.status == PENDING,  # type: ignore[attr-defined]
        )
        .values(status=DEAD, last_error="订阅已删除 subscription deleted", updated_at=now)
    )
    await session.flush()

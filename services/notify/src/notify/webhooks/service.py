"""Webhook subscriptions: the office manages those of its jurisdiction; a department (any
account whose token carries the org) manages its own org's."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.events.catalog import CATALOG
from xuncha_shared.http import check_version
from xuncha_shared.problems import NotFound, Unprocessable

from notify.config import NotifySettings
from notify.delivery import repository as deliveries
from notify.webhooks import repository
from notify.webhooks.models import Subscription
from notify.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate
from notify.webhooks.sealing import seal
from notify.webhooks.signing import new_secret


def visible(principal: Principal) -> ColumnElement[bool]:
    """Subscriptions the caller may see and manage."""
    if principal.has(Role.office):
        return repository.managed_by_office(principal.jurisdiction)
    org = principal.org_uuid
    if org is None:
        raise Forbidden(
            "只有巡察办和订阅单位可以管理 Webhook 订阅",
            "Only the office and the subscribing org manage webhook subscriptions",
        )
    return repository.managed_by_org(org)


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
    session: AsyncSession,
    *,
    subscription_id: uuid.UUID,
    actor: Principal,
    for_update: bool = False,
) -> Subscription:
    """A subscription the actor may see; others are as good as missing."""
    sub = await repository.get(session, subscription_id, visible(actor), for_update=for_update)
    if sub is None:
        raise NotFound("没有这个订阅", "No such subscription", field="subscription_id")
    return sub


async def list_subscriptions(
    session: AsyncSession,
    *,
    actor: Principal,
    org_id: uuid.UUID | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> tuple[list[Subscription], int]:
    """The subscriptions the actor may see, oldest first."""
    return await repository.list_subscriptions(
        session, visible(actor), org_id=org_id, after=after, limit=limit
    )


async def create_subscription(
    session: AsyncSession,
    *,
    data: SubscriptionCreate,
    actor: Principal,
    now: datetime,
    settings: NotifySettings,
) -> tuple[Subscription, str]:
    """Returns the subscription and its secret (stored sealed when keys are configured)."""
    own = actor.org_uuid
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
    sub = await get_subscription(
        session, subscription_id=subscription_id, actor=actor, for_update=True
    )
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
    sub = await get_subscription(
        session, subscription_id=subscription_id, actor=actor, for_update=True
    )
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
    sub = await get_subscription(
        session, subscription_id=subscription_id, actor=actor, for_update=True
    )
    check_version(sub.version, expected_version)
    sub.deleted = True
    sub.active = False
    sub.version += 1
    sub.updated_at = now
    await deliveries.dead_letter_pending(
        session, sub.id, reason="订阅已删除 subscription deleted", now=now
    )
    await session.flush()

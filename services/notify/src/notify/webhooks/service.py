"""Webhook subscriptions: the office manages those of its jurisdiction; a department (an
account with a department role whose token carries the org) manages its own org's. An
inspected org, a leader or a group has no webhooks: what reaches a machine of theirs would
leave the platform's need-to-know rules behind.

A subscription is for an org of the subscriber's own jurisdiction (the subscription
jurisdiction rule, ``check_subscription_in_jurisdiction``); lists and exports show only those.
The URL must pass the public webhook target rule (``targets``) when registered or changed;
the dispatcher applies it again at every delivery."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import DEPARTMENT_ROLES, Forbidden, Principal, Role
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
from notify.webhooks.targets import TargetRefused, check_scheme, checked_target


def may_have_webhooks(principal: Principal) -> bool:
    """The webhook holder rule: only the office and departments (their people and their
    systems' service accounts) register and manage webhooks."""
    return principal.has(Role.office, *DEPARTMENT_ROLES)


def roles_served(sub: Subscription) -> frozenset[str]:
    """The roles a subscription's endpoint serves: those the office set for it, else the
    departments' (webhooks are for departments and the office only, so a notification meant
    for the inspected org's own accounts never reaches a department system of the same org)."""
    return frozenset(sub.roles) or frozenset(r.value for r in DEPARTMENT_ROLES)


def visible(principal: Principal) -> ColumnElement[bool]:
    """Subscriptions the caller may see and manage: the office those of its jurisdiction's
    orgs, a department its own org's."""
    if principal.has(Role.office):
        return repository.managed_by_office(principal.jurisdiction)
    org = principal.org_uuid
    if org is None or not may_have_webhooks(principal):
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


async def check_subscription_in_jurisdiction(
    session: AsyncSession, org_id: uuid.UUID, actor: Principal
) -> None:
    """The subscription jurisdiction rule: a subscription is for an org of the subscriber's
    own jurisdiction (planning's org registry, as notify projects it). Another
    jurisdiction's org is answered like an unknown one, a 422 naming ``org_id``, so the
    answer does not tell whether it exists elsewhere."""
    if not await repository.is_org_of(session, org_id, actor.jurisdiction):
        raise Unprocessable(
            "本辖区没有这个单位，只能订阅本辖区单位的通知",
            "No such org in your jurisdiction; subscriptions are for its own orgs only",
            field="org_id",
            code="org-not-in-jurisdiction",
        )


async def check_target_url(url: str, settings: NotifySettings) -> str:
    """The URL, when it passes the public webhook target rule now (422 naming ``url``)."""
    if len(url) > 2000:
        raise Unprocessable("接收地址太长", "The URL is too long", field="url")
    parsed = httpx.URL(url)
    try:
        check_scheme(parsed, production=settings.environment == "production")
        if not settings.webhook_allow_private_targets:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
            await checked_target(parsed.host, port, allow_private=False)
    except TargetRefused as exc:
        raise Unprocessable(exc.zh, exc.en, field="url", code="webhook-target-refused") from exc
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
    if not may_have_webhooks(actor):
        raise Forbidden(
            "只有巡察办和职能部门可以订阅 Webhook",
            "Only the inspection office and departments register webhooks",
        )
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
    await check_subscription_in_jurisdiction(session, org_id, actor)
    event_types = check_event_types(data.event_types)
    roles = _check_roles(actor, data.roles)
    sub = Subscription(
        jurisdiction=actor.jurisdiction,
        org_id=org_id,
        url=await check_target_url(str(data.url), settings),
        secret=seal(settings, secret := new_secret()),
        event_types=event_types,
        roles=roles,
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
    settings: NotifySettings,
) -> Subscription:
    sub = await get_subscription(
        session, subscription_id=subscription_id, actor=actor, for_update=True
    )
    check_version(sub.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("url") is not None:
        sub.url = await check_target_url(str(data.url), settings)
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

"""From an event to notifications and deliveries, in the consumer's transaction.

For each effective rule of the event's type whose conditions hold: render the message, add
one notification per audience (unique on event, rule and audience: a redelivery inserts
nothing and so adds no delivery either), and record a delivery for each channel target (a
webhook subscription of an org audience, the e-mail of each person of the audience who has
not chosen the daily digest), unique on (event, channel, target). Nothing is sent here:
the dispatcher sends what is recorded, so a notification is always recorded before it is
sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.consumer import EventMeta
from xuncha_shared.events.base import Event
from xuncha_shared.messaging import OUTBOX_INFO_KEY, OutboxContext

from notify.config import NotifySettings
from notify.delivery import repository as deliveries
from notify.delivery.models import EMAIL, PENDING, WEBHOOK
from notify.directory import repository as directory
from notify.inbox import repository as inbox
from notify.inbox.models import AUDIENCE_ORG, AUDIENCE_ROLE
from notify.inbox.templates import Message, org_ids_in, render
from notify.routing import repository
from notify.rules import repository as rules
from notify.rules.meant_for import meant_for_roles
from notify.rules.spec import Channel, matches, resolve
from notify.webhooks import repository as subscriptions
from notify.webhooks.models import Subscription
from notify.webhooks.service import roles_served

EMAIL_SUBJECT_PREFIX = "【巡察通知】"
EMAIL_FOOTER = "（本邮件由巡察工作平台自动发送，请勿回复）"


def clock_now(session: AsyncSession) -> datetime:
    """The service clock (the outbox context carries it into every session)."""
    ctx: OutboxContext = session.info[OUTBOX_INFO_KEY]
    return ctx.clock.now()


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def webhook_body(
    *,
    notification_id: uuid.UUID,
    event: Event,
    meta: EventMeta,
    data: dict[str, Any],
    message: Message,
    org_id: str,
) -> dict[str, Any]:
    """What a department system receives: the message and the event's own data."""
    return {
        "notification_id": str(notification_id),
        "event_id": str(meta.event_id),
        "event_type": event.type,
        "event_title": type(event).title_zh,
        "subject": event.subject,
        "jurisdiction": event.jurisdiction,
        "time": meta.time.isoformat(),
        "org_id": org_id,
        "title": message.title,
        "body": message.body,
        "link": message.link,
        "data": data,
    }


def email_payload(*, to: str, title: str, body: str, link: str, base_url: str) -> dict[str, Any]:
    return {
        "to": to,
        "subject": f"{EMAIL_SUBJECT_PREFIX}{title}",
        "text": f"{body}\n\n查看详情：{base_url}{link}\n\n{EMAIL_FOOTER}",
    }


async def route_event(
    session: AsyncSession, *, event: Event, meta: EventMeta, settings: NotifySettings
) -> int:
    """Record the notifications and deliveries an event calls for; returns how many
    notifications were new."""
    effective = await rules.effective_for(session, event.jurisdiction, event.type)
    if not effective:
        return 0
    data = event.model_dump(mode="json")
    data.pop("jurisdiction", None)
    wanted = [r for r in effective if r.active and matches(r.conditions, data)]
    if not wanted:
        return 0
    message = render(
        event, data, await repository.org_names(session, org_ids_in(data)), meta.event_id
    )
    now = clock_now(session)
    added = 0
    for rule in wanted:
        for kind, value, roles in resolve(rule, event):
            if kind == AUDIENCE_ORG:
                value = value.lower()
            notification_id = uuid.uuid4()
            added_now = await inbox.add_notification(
                session,
                {
                    "id": notification_id,
                    "event_id": meta.event_id,
                    "event_type": event.type,
                    "event_time": meta.time,
                    "subject": event.subject,
                    "jurisdiction": event.jurisdiction,
                    "rule_key": rule.key,
                    "audience_kind": kind,
                    "audience_value": value,
                    "roles": list(roles),
                    "title": message.title,
                    "body": message.body,
                    "link": message.link,
                    "in_inbox": Channel.inbox in rule.channels,
                    "created_at": now,
                },
            )
            if not added_now:
                continue
            added += 1
            rows: list[dict[str, Any]] = []
            if Channel.webhook in rule.channels and kind in (AUDIENCE_ORG, AUDIENCE_ROLE):
                rows += await _webhook_rows(
                    session, event, meta, data, message, notification_id, kind, value, roles
                )
            if Channel.email in rule.channels and settings.email_enabled:
                rows += await _email_rows(session, event, message, kind, value, roles, settings)
            for row in rows:
                await deliveries.add(
                    session,
                    {
                        "id": uuid.uuid4(),
                        "jurisdiction": event.jurisdiction,
                        "notification_id": notification_id,
                        "event_id": meta.event_id,
                        "event_type": event.type,
                        "status": PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                        "updated_at": now,
                        **row,
                    },
                )
    return added


async def _webhook_rows(
    session: AsyncSession,
    event: Event,
    meta: EventMeta,
    data: dict[str, Any],
    message: Message,
    notification_id: uuid.UUID,
    kind: str,
    value: str,
    roles: tuple[str, ...],
) -> list[dict[str, Any]]:
    """An org's own subscriptions of the event's jurisdiction that serve one of the roles the
    notification is meant for, or for a role audience the subscriptions of the
    jurisdiction's orgs that stand for that role."""
    subs: list[Subscription]
    if kind == AUDIENCE_ORG:
        org = _as_uuid(value)
        if org is None:
            return []
        subs = [
            s
            for s in await subscriptions.active_for_org(session, org, event.jurisdiction)
            if meant_for_roles(roles, roles_served(s))
        ]
    else:
        subs = await subscriptions.active_for_role(session, value, event.jurisdiction)
    return [
        {
            "channel": WEBHOOK,
            "target": str(s.id),
            "subscription_id": s.id,
            "payload": webhook_body(
                notification_id=notification_id,
                event=event,
                meta=meta,
                data=data,
                message=message,
                org_id=str(s.org_id),
            ),
        }
        for s in subs
        if not s.event_types or event.type in s.event_types
    ]


async def _email_rows(
    session: AsyncSession,
    event: Event,
    message: Message,
    kind: str,
    value: str,
    roles: tuple[str, ...],
    settings: NotifySettings,
) -> list[dict[str, Any]]:
    people = await directory.mailed_one_by_one(
        session, kind=kind, value=value, roles=roles, jurisdiction=event.jurisdiction
    )
    return [
        {
            "channel": EMAIL,
            "target": p.email.lower(),
            "account": p.account,
            "payload": email_payload(
                to=p.email,
                title=message.title,
                body=message.body,
                link=message.link,
                base_url=settings.public_base_url,
            ),
        }
        for p in people
        if p.email
    ]

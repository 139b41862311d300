"""The dispatcher: a periodic job that sends what the consumer recorded.

Each run claims due pending deliveries with ``FOR UPDATE SKIP LOCKED`` (so two replicas
never send the same row at once), sends each, and records the attempt with the outcome in
the same transaction. A failure schedules the next try (full-jitter backoff, persisted);
after ``max_attempts`` failures the delivery is dead-lettered for the office to replay.

A crash between a successful send and the commit means that delivery is sent again on the
next run: webhook receivers dedupe on ``webhook-id`` (the delivery id, the same on every
try), and e-mails carry the same id in ``X-Xuncha-Delivery-Id``.

One delivery never stops the others: whatever goes wrong while sending one (a record no
receiver or mail server could take, a bug) is one failed attempt of that delivery, retried
and in the end dead-lettered like any other failure, while the rest of the batch is sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from notify.config import NotifySettings
from notify.delivery import repository
from notify.delivery.backoff import next_attempt_at
from notify.delivery.models import (
    DEAD,
    DELIVERED,
    EMAIL,
    WEBHOOK,
    Delivery,
    DeliveryAttempt,
)
from notify.email.sender import send_email
from notify.webhooks import repository as subscriptions
from notify.webhooks.models import Subscription
from notify.webhooks.sealing import unseal
from notify.webhooks.sender import MAX_ERROR, SendResult, post_webhook
from notify.webhooks.targets import webhook_client

logger = logging.getLogger(__name__)

Job = Callable[[AsyncSession, datetime], Awaitable[None]]


async def _send(
    settings: NotifySettings,
    client: httpx.AsyncClient,
    delivery: Delivery,
    subs: dict[uuid.UUID, Subscription],
    now: datetime,
) -> SendResult:
    if delivery.channel == WEBHOOK:
        sub = subs.get(delivery.subscription_id) if delivery.subscription_id else None
        if sub is None or not sub.active or sub.deleted:
            return SendResult(ok=False, error="订阅已停用 subscription inactive")
        return await post_webhook(
            client,
            url=sub.url,
            secret=unseal(settings, sub.secret),
            msg_id=str(delivery.id),
            timestamp=int(now.timestamp()),
            payload=delivery.payload,
            production=settings.environment == "production",
        )
    if delivery.channel == EMAIL:
        if not settings.email_enabled:
            return SendResult(ok=False, error="未配置 SMTP smtp not configured")
        return await send_email(
            settings,
            to=str(delivery.payload.get("to", delivery.target)),
            subject=str(delivery.payload.get("subject", "")),
            text=str(delivery.payload.get("text", "")),
            msg_id=str(delivery.id),
            now=now,
        )
    return SendResult(ok=False, error=f"unknown channel {delivery.channel}")


async def send_one_alone(
    settings: NotifySettings,
    client: httpx.AsyncClient,
    delivery: Delivery,
    subs: dict[uuid.UUID, Subscription],
    now: datetime,
) -> SendResult:
    """Send one delivery; an unexpected error is this delivery's failed attempt, not the
    batch's end. Logged by id and type only: the message may quote the record."""
    try:
        return await _send(settings, client, delivery, subs, now)
    except Exception as exc:
        logger.error(
            "delivery %s failed unexpectedly: %s", delivery.id, type(exc).__name__, exc_info=False
        )
        return SendResult(
            ok=False, error=f"内部错误 internal error: {type(exc).__name__}"[:MAX_ERROR]
        )


def record(
    session: AsyncSession,
    delivery: Delivery,
    result: SendResult,
    *,
    now: datetime,
    settings: NotifySettings,
    duration_ms: int,
    give_up: bool = False,
) -> None:
    """Write the attempt and move the delivery on: delivered, retried later or dead."""
    delivery.attempts += 1
    session.add(
        DeliveryAttempt(
            delivery_id=delivery.id,
            attempt=delivery.attempts,
            at=now,
            ok=result.ok,
            status_code=result.status_code,
            # PostgreSQL text holds no NUL, whatever a server's reply quoted.
            error=result.error.replace("\x00", "") if result.error else None,
            duration_ms=duration_ms,
        )
    )
    delivery.last_status_code = result.status_code
    delivery.updated_at = now
    if result.ok:
        delivery.status = DELIVERED
        delivery.delivered_at = now
        delivery.last_error = None
        return
    delivery.last_error = result.error.replace("\x00", "") if result.error else None
    if give_up or delivery.attempts >= settings.max_attempts:
        delivery.status = DEAD
        return
    delivery.next_attempt_at = next_attempt_at(
        now,
        delivery.attempts,
        base_seconds=settings.retry_base_seconds,
        max_seconds=settings.retry_max_seconds,
    )


def dispatch_job(settings: NotifySettings) -> Job:
    """The periodic job that sends due deliveries."""

    async def dispatch_deliveries(session: AsyncSession, now: datetime) -> None:
        """Send every due delivery, batch by batch, recording each attempt."""
        sent: set[uuid.UUID] = set()
        limit = asyncio.Semaphore(settings.dispatch_concurrency)
        async with webhook_client(
            timeout=settings.webhook_timeout_seconds,
            allow_private=settings.webhook_allow_private_targets,
        ) as client:
            while batch := [
                d
                for d in await repository.claim_due(session, now, settings.dispatch_batch)
                if d.id not in sent
            ]:
                ids = {d.subscription_id for d in batch if d.subscription_id}
                subs = await subscriptions.by_ids(session, ids)
                sent.update(d.id for d in batch)

                async def timed(
                    delivery: Delivery, subs: dict[uuid.UUID, Subscription] = subs
                ) -> tuple[SendResult, int]:
                    # Sends of a batch run side by side (bounded), so one slow receiver does
                    # not hold the others' row locks for its whole timeout.
                    async with limit:
                        started = time.monotonic()
                        result = await send_one_alone(settings, client, delivery, subs, now)
                        return result, int((time.monotonic() - started) * 1000)

                outcomes = await asyncio.gather(*(timed(d) for d in batch))
                for delivery, (result, duration_ms) in zip(batch, outcomes, strict=True):
                    inactive = result.error is not None and "subscription inactive" in result.error
                    record(
                        session,
                        delivery,
                        result,
                        now=now,
                        settings=settings,
                        duration_ms=duration_ms,
                        give_up=inactive,
                    )
                await session.flush()

    return dispatch_deliveries

"""The daily digest: at the configured local time, one mail per person who chose it, with
the day's inbox items instead of one mail per item.

The digest is recorded as a delivery unique on (account, day) before it is sent, so each
person gets at most one a day however often the job runs, and it is retried like any other
delivery. It covers the items of the 24 hours up to today's digest time.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from notify.config import NotifySettings
from notify.delivery import repository as deliveries
from notify.delivery.jobs import Job
from notify.delivery.models import EMAIL, PENDING
from notify.directory import repository as directory
from notify.inbox import repository as inbox
from notify.inbox.audience import Viewer
from notify.inbox.models import Notification
from notify.routing.service import EMAIL_SUBJECT_PREFIX

MAX_ITEMS = 200


def digest_text(items: list[Notification], *, base_url: str, tz: ZoneInfo) -> str:
    lines = [f"您有 {len(items)} 条巡察工作通知：", ""]
    for n, item in enumerate(items[:MAX_ITEMS], start=1):
        at = item.created_at.astimezone(tz).strftime("%H:%M")
        lines += [f"{n}. [{at}] {item.title}", f"   {item.body}", f"   {base_url}{item.link}", ""]
    if len(items) > MAX_ITEMS:
        lines.append(f"……另有 {len(items) - MAX_ITEMS} 条，请登录系统查看。")
    lines.append("（本邮件由巡察工作平台自动发送，请勿回复）")
    return "\n".join(lines)


def digest_job(settings: NotifySettings) -> Job:
    async def send_daily_digests(session: AsyncSession, now: datetime) -> None:
        """Record today's digest for each person who chose it, once, after the digest time."""
        if not settings.email_enabled:
            return
        tz = ZoneInfo(settings.timezone)
        local = now.astimezone(tz)
        if local.time() < settings.digest_time:
            return
        day = local.date()
        end = datetime.combine(day, settings.digest_time, tzinfo=tz)
        start = end - timedelta(days=1)
        for person in await directory.awaiting_digest(session, day):
            assert person.email is not None
            viewer = Viewer(
                account=person.account,
                org_id=str(person.org_id) if person.org_id else None,
                roles=frozenset(person.roles),
                jurisdiction=person.jurisdiction,
            )
            items = await inbox.items_between(session, viewer, start, end)
            if not items:
                continue
            await deliveries.add(
                session,
                {
                    "id": uuid.uuid4(),
                    "jurisdiction": person.jurisdiction,
                    "channel": EMAIL,
                    "target": person.email.lower(),
                    "account": person.account,
                    "digest_day": day,
                    "payload": {
                        "to": person.email,
                        "subject": f"{EMAIL_SUBJECT_PREFIX}每日汇总（{day.isoformat()}）："
                        f"{len(items)} 条通知",
                        "text": digest_text(items, base_url=settings.public_base_url, tz=tz),
                        "items": [str(i.id) for i in items],
                    },
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "updated_at": now,
                },
            )

    return send_daily_digests

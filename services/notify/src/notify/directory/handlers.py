"""The directory follows the account ledger: a person's account opened, changed, disabled
or enabled in the accounts service updates their entry (name, roles, org, whether active);
what only the directory knows (e-mail, daily digest) stays. Order-safe and idempotent: an
event older than the version last applied changes nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.accounts import (
    AccountChanged,
    AccountDisabled,
    AccountEnabled,
    AccountOpened,
    AccountSnapshot,
)

from notify.directory import repository

FOLLOWER = "accounts"


async def follow_account(session: AsyncSession, event: AccountSnapshot, meta: EventMeta) -> None:
    """Keep the person's entry in step with their account."""
    await repository.follow_account(
        session,
        account=event.account,
        account_version=event.version,
        followed={
            "jurisdiction": event.jurisdiction,
            "display_name": event.display_name[:50],
            "roles": sorted(event.roles),
            "org_id": event.org_id,
            "active": event.active,
            "account_version": event.version,
            "updated_at": meta.time,
            "updated_by": FOLLOWER,
        },
        at=meta.time,
    )


def register_account_projection(handlers: HandlerRegistry) -> None:
    for cls in (AccountOpened, AccountChanged, AccountDisabled, AccountEnabled):
        handlers.register(cls, follow_account)

"""The directory follows the account ledger: a person's account opened, changed, disabled
or enabled in the accounts service updates their entry (name, roles, org, whether active);
what only the directory knows (e-mail, daily digest) stays. Order-safe and idempotent: an
event older than the version last applied changes nothing."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.accounts import (
    AccountChanged,
    AccountDisabled,
    AccountEnabled,
    AccountOpened,
    AccountSnapshot,
)

from notify.directory.models import Person

FOLLOWER = "accounts"


async def follow_account(session: AsyncSession, event: AccountSnapshot, meta: EventMeta) -> None:
    """Keep the person's entry in step with their account."""
    followed = {
        "jurisdiction": event.jurisdiction,
        "display_name": event.display_name[:50],
        "roles": sorted(event.roles),
        "org_id": event.org_id,
        "active": event.active,
        "account_version": event.version,
        "updated_at": meta.time,
        "updated_by": FOLLOWER,
    }
    table = Person.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(
        account=event.account,
        email=None,
        daily_digest=False,
        version=1,
        created_at=meta.time,
        **followed,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.account],
        set_={**followed, "version": table.c.version + 1},
        where=(col(Person.account_version).is_(None))
        | (col(Person.account_version) < event.version),
    )
    await session.execute(stmt)


def register_account_projection(handlers: HandlerRegistry) -> None:
    for cls in (AccountOpened, AccountChanged, AccountDisabled, AccountEnabled):
        handlers.register(cls, follow_account)

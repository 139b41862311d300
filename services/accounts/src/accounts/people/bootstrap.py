"""The first administrator: a new installation opens one office account with a one-time
password, so the person who installed it can sign in and open everyone else's. It is a
platform administrator: it may also open the accounts of other jurisdictions."""

from __future__ import annotations

import secrets

from xuncha_shared.app import Runtime
from xuncha_shared.auth import Role
from xuncha_shared.events.accounts import AccountOpened
from xuncha_shared.messaging import emit

from accounts.models import Account
from accounts.passwords import password_hasher
from accounts.people import repository
from accounts.people.service import snapshot

ADMINISTRATOR = "admin"


async def first_administrator(runtime: Runtime, *, jurisdiction: str) -> tuple[str, str] | None:
    """Open ``admin`` (巡察办) with a random password when the jurisdiction has no account
    yet; return the account and the password (shown once, kept only as its hash), or
    ``None`` when there are accounts already."""
    async with runtime.sessionmaker() as session, session.begin():
        if await repository.any_account_in(session, jurisdiction):
            return None
        password = secrets.token_urlsafe(12)
        now = runtime.clock.now()
        account = Account(
            account=ADMINISTRATOR,
            jurisdiction=jurisdiction,
            display_name="系统管理员",
            roles=[Role.office.value],
            platform_admin=True,
            password_hash=password_hasher().hash(password),
            password_changed_at=now,
            created_at=now,
            updated_at=now,
            updated_by="installer",
        )
        session.add(account)
        await session.flush()
        await emit(session, snapshot(AccountOpened, account))
    return ADMINISTRATOR, password

"""Webhook secrets at rest: always sealed with MultiFernet (``secret_keys``: the first
encrypts, all decrypt).

HMAC signing needs the secret itself, so it cannot be hashed; the column holds
``fernet:<token>``. A development run without keys of its own seals with the development key
(which production refuses). A secret stored in clear by an older version is still read, and
sealed by :func:`seal_clear_secrets_job` at the next run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy.ext.asyncio import AsyncSession

from notify.config import NotifySettings
from notify.webhooks import repository

PREFIX = "fernet:"


def _multi(settings: NotifySettings) -> MultiFernet:
    return MultiFernet([Fernet(k.get_secret_value()) for k in settings.secret_keys])


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(settings: NotifySettings, secret: str) -> str:
    """The stored form of a secret: never the secret itself."""
    return PREFIX + _multi(settings).encrypt(secret.encode()).decode()


def unseal(settings: NotifySettings, stored: str) -> str:
    if not is_sealed(stored):
        return stored
    return _multi(settings).decrypt(stored.removeprefix(PREFIX).encode()).decode()


def seal_clear_secrets_job(
    settings: NotifySettings,
) -> Callable[[AsyncSession, datetime], Awaitable[None]]:
    """The periodic job that seals secrets an older version stored in clear."""

    async def seal_clear_secrets(session: AsyncSession, now: datetime) -> None:
        """Seal every subscription secret still stored in clear (usually none: one query)."""
        for sub in await repository.with_clear_secrets(session, sealed_prefix=PREFIX):
            sub.secret = seal(settings, sub.secret)
        await session.flush()

    return seal_clear_secrets

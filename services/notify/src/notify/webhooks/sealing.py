"""Webhook secrets at rest: sealed with MultiFernet when keys are configured.

HMAC signing needs the secret itself, so it cannot be hashed; with
``XUNCHA_NOTIFY_SECRET_KEYS`` set (Fernet keys, the first encrypts, all decrypt) the column
holds ``fernet:<token>`` instead of the secret. Without keys (development) it is stored as is.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, MultiFernet

from notify.config import NotifySettings

PREFIX = "fernet:"


def _multi(settings: NotifySettings) -> MultiFernet | None:
    keys = [k.get_secret_value() for k in settings.secret_keys]
    return MultiFernet([Fernet(k) for k in keys]) if keys else None


def seal(settings: NotifySettings, secret: str) -> str:
    multi = _multi(settings)
    if multi is None:
        return secret
    return PREFIX + multi.encrypt(secret.encode()).decode()


def unseal(settings: NotifySettings, stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    multi = _multi(settings)
    if multi is None:
        raise RuntimeError("a sealed webhook secret needs XUNCHA_NOTIFY_SECRET_KEYS")
    return multi.decrypt(stored.removeprefix(PREFIX).encode()).decode()

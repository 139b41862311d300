"""The platform's access tokens: ES256 JWTs signed with keys this service keeps, rotates and
publishes (JWKS), so every service and every department system verifies them with the
public half alone."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Role

from accounts.config import AccountsSettings
from accounts.keys import repository
from accounts.models import Account, ServiceClient, SigningKey

ALGORITHM = "ES256"


def _new_key(now: datetime) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    kid = f"{now:%Y%m%d}-{secrets.token_hex(4)}"
    public: dict[str, Any] = json.loads(ECAlgorithm.to_jwk(private.public_key()))
    public.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
    return SigningKey(kid=kid, private_pem=pem, public_jwk=public, created_at=now)


async def signing_key(
    session: AsyncSession, settings: AccountsSettings, now: datetime
) -> SigningKey:
    """The key that signs now: the newest unretired one, replaced (and the old one retired,
    still published until the tokens it signed have expired) once it is older than
    ``key_rotation_days``."""
    current = await repository.newest_unretired(session)
    if current is not None and now - current.created_at < timedelta(
        days=settings.key_rotation_days
    ):
        return current
    return await rotate(session, now)


async def rotate(session: AsyncSession, now: datetime) -> SigningKey:
    """Retire every signing key and make a new one."""
    for old in await repository.unretired_locked(session):
        old.retired_at = now
    key = _new_key(now)
    session.add(key)
    await session.flush()
    return key


async def published_keys(
    session: AsyncSession, settings: AccountsSettings, now: datetime
) -> list[dict[str, Any]]:
    """The JWKS: every key that signs or signed a token that may still be valid."""
    horizon = now - timedelta(seconds=settings.access_token_seconds * 2)
    keys = await repository.published_since(session, horizon)
    return [dict(k.public_jwk) for k in keys]


async def _signed(
    session: AsyncSession,
    settings: AccountsSettings,
    now: datetime,
    subject: str,
    claims: dict[str, Any],
) -> str:
    key = await signing_key(session, settings, now)
    registered: dict[str, Any] = {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": subject,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=settings.access_token_seconds),
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(
        {**registered, **claims}, key.private_pem, algorithm=ALGORITHM, headers={"kid": key.kid}
    )


async def access_token(
    session: AsyncSession, settings: AccountsSettings, account: Account, now: datetime
) -> str:
    """A short-lived token carrying who the account is, in the claims every service reads."""
    claims: dict[str, Any] = {
        "name": account.display_name,
        "roles": list(account.roles),
        "jurisdiction": account.jurisdiction,
    }
    if account.org_id is not None:
        claims["org"] = str(account.org_id)
    return await _signed(session, settings, now, account.account, claims)


async def service_token(
    session: AsyncSession, settings: AccountsSettings, client: ServiceClient, now: datetime
) -> str:
    """A department system's token: the service role with its department's roles and org."""
    claims = {
        "client_id": client.client_id,
        "name": client.display_name,
        "roles": [Role.service.value, *client.roles],
        "jurisdiction": client.jurisdiction,
        "org": str(client.org_id),
    }
    return await _signed(session, settings, now, client.client_id, claims)

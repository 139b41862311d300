"""The signing keys rotate: a key older than ``key_rotation_days`` is retired and a new one
signs; the retired key stays in the JWKS until every token it signed has expired, so a
token issued just before the rotation still verifies, and then it leaves the JWKS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from accounts.config import AccountsSettings
from accounts.keys.service import access_token, published_keys, signing_key
from accounts.models import Account
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.testing.plugin import settings_for

from xuncha.embedded import platform_auth

ISSUER = "http://127.0.0.1:8000/api/accounts"


def person(now: datetime) -> Account:
    return Account(
        account="wx.group.keys",
        jurisdiction="410825",
        display_name="李敏",
        roles=["group"],
        created_at=now,
        updated_at=now,
        updated_by="test",
    )


async def test_keys_rotate_and_a_retired_key_is_published_while_its_tokens_live(
    database_url: str,
) -> None:
    settings = settings_for(
        "accounts",
        database_url=database_url,
        topic_prefix="keys",
        auth=platform_auth("http://127.0.0.1:8000", None),
        key_rotation_days=30,
    )
    assert isinstance(settings, AccountsSettings) and settings.token_issuer == ISSUER
    engine = create_engine(database_url, pool_size=1)
    sessions = create_sessionmaker(engine)
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    try:
        async with sessions() as session, session.begin():
            first = await signing_key(session, settings, start)
            again = await signing_key(session, settings, start + timedelta(days=29))
            assert again.kid == first.kid
            old_token = await access_token(session, settings, person(start), start)

            rotated_at = start + timedelta(days=30)
            second = await signing_key(session, settings, rotated_at)
            assert second.kid != first.kid and first.retired_at == rotated_at
            keys = await published_keys(session, settings, rotated_at)
            assert [k["kid"] for k in keys] == [second.kid, first.kid]
            assert all("d" not in k for k in keys)

            # A token the old key signed verifies with the old key as published.
            old = next(k for k in keys if k["kid"] == jwt.get_unverified_header(old_token)["kid"])
            claims = jwt.decode(
                old_token,
                jwt.PyJWK(old).key,
                algorithms=["ES256"],
                audience="xuncha",
                issuer=ISSUER,
                options={"verify_exp": False},
            )
            assert claims["sub"] == "wx.group.keys" and claims["roles"] == ["group"]

            # Once its tokens have all expired, the retired key is no longer published.
            later = rotated_at + timedelta(seconds=settings.access_token_seconds * 2 + 1)
            assert [k["kid"] for k in await published_keys(session, settings, later)] == [
                second.kid
            ]
    finally:
        await engine.dispose()

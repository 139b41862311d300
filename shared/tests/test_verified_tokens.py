"""A verified token's principal is reused briefly: never past the token's expiry, never for a
token that was refused, never beyond the cache's bounds."""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from xuncha_shared.auth import AuthConfig, AuthError, Principal, Role, TokenVerifier, mint_dev_token
from xuncha_shared.auth.verified_tokens import VerifiedTokenCache

DEV_SECRET = "dev-secret-for-tests-0123456789-abcdef"
WENXIAN = "410825"


class FullChecks(TokenVerifier):
    """Counts the full verifications (signature and claims) the cache did not spare."""

    def __init__(self, config: AuthConfig, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.full_checks = 0

    async def _verify_signature_and_claims(self, token: str) -> Principal:
        self.full_checks += 1
        return await super()._verify_signature_and_claims(token)


def config(**overrides: Any) -> AuthConfig:
    return AuthConfig(mode="dev", dev_secret=DEV_SECRET, **overrides)


def token(cfg: AuthConfig, *, ttl: timedelta = timedelta(hours=1), **kwargs: Any) -> str:
    return mint_dev_token(
        cfg, subject="u1", roles=[Role.office], jurisdiction=WENXIAN, ttl=ttl, **kwargs
    )


async def test_verified_token_is_checked_once_and_gives_the_same_principal() -> None:
    cfg = config()
    verifier = FullChecks(cfg)
    good = token(cfg)
    first = await verifier.verify(good)
    assert await verifier.verify(good) == first
    assert await verifier.verify(f"  {good} ") == first
    assert verifier.full_checks == 1
    # Another token is checked in full, whoever it speaks for.
    assert (await verifier.verify(token(cfg, name="另一个"))).name == "另一个"
    assert verifier.full_checks == 2


async def test_expired_token_is_refused_even_when_cached() -> None:
    cfg = config(leeway_seconds=0)
    verifier = FullChecks(cfg)
    # Expires one to two seconds from now (exp is whole seconds).
    short = token(
        cfg, now=datetime.now(UTC) - timedelta(hours=1), ttl=timedelta(hours=1, seconds=2)
    )
    principal = await verifier.verify(short)
    assert principal.expires_at is not None
    assert await verifier.verify(short) == principal
    assert verifier.full_checks == 1
    await asyncio.sleep(max(0.0, principal.expires_at.timestamp() - time.time()) + 0.05)
    with pytest.raises(AuthError) as refused:
        await verifier.verify(short)
    assert refused.value.code == "expired_token"
    assert verifier.full_checks == 2


async def test_token_with_a_bad_signature_is_never_cached() -> None:
    cfg = config()
    verifier = FullChecks(cfg)
    good = token(cfg)
    header, payload, _ = good.split(".")
    forged = jwt.encode(
        jwt.decode(good, options={"verify_signature": False}),
        "another-secret-0123456789-abcdefgh",
        "HS256",
    )
    for bad in (forged, f"{header}.{payload}.AAAA"):
        for _ in range(2):
            with pytest.raises(AuthError) as refused:
                await verifier.verify(bad)
            assert refused.value.code == "invalid_signature"
    assert verifier.full_checks == 4
    assert len(verifier.verified) == 0
    await verifier.verify(good)
    assert len(verifier.verified) == 1


async def test_cached_principal_is_checked_again_after_the_time_to_live() -> None:
    cfg = config()
    clock = [time.time()]
    verifier = FullChecks(cfg, verified=VerifiedTokenCache(ttl_seconds=30, clock=lambda: clock[0]))
    good = token(cfg)
    await verifier.verify(good)
    clock[0] += 29
    await verifier.verify(good)
    assert verifier.full_checks == 1
    clock[0] += 2
    await verifier.verify(good)
    assert verifier.full_checks == 2


async def test_token_accepted_only_within_the_leeway_is_not_cached() -> None:
    cfg = config(leeway_seconds=30)
    verifier = FullChecks(cfg)
    just_expired = token(
        cfg, now=datetime.now(UTC) - timedelta(seconds=70), ttl=timedelta(seconds=60)
    )
    await verifier.verify(just_expired)
    await verifier.verify(just_expired)
    assert verifier.full_checks == 2
    assert len(verifier.verified) == 0


async def test_verified_token_cache_is_bounded() -> None:
    cfg = config()
    verifier = FullChecks(cfg, verified=VerifiedTokenCache(max_size=2))
    tokens = [token(cfg, name=f"n{i}") for i in range(3)]
    for t in tokens:
        await verifier.verify(t)
    assert len(verifier.verified) == 2
    await verifier.verify(tokens[0])  # the oldest was dropped: checked in full again
    assert verifier.full_checks == 4
    await verifier.verify(tokens[2])
    assert verifier.full_checks == 4

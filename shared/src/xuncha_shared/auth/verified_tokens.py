"""Verified tokens kept briefly, so a client's next request skips the signature check.

A bearer token is checked once: the principal it gave is reused, for the same token
string, until the earlier of the token's ``exp`` and a short time to live. Verification
here is stateless (a signature, the issuer, the audience and the times; nothing is looked
up per request that could be revoked meanwhile), so a cached principal is exactly what
verifying again would give, except that a key withdrawn from the provider's JWKS stops
working up to the time to live later. Only tokens that verified are kept; a refused token
is verified (and refused) again each time. The cache is bounded: when full, the entry kept
longest is dropped first.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from xuncha_shared.auth.roles import Principal

__all__ = ["VERIFIED_TOKEN_TTL_SECONDS", "VerifiedTokenCache"]

#: How long a verified token's principal is reused at most (never past the token's ``exp``).
VERIFIED_TOKEN_TTL_SECONDS = 30.0
#: How many verified tokens are kept at most (a token is a few hundred bytes).
VERIFIED_TOKEN_CACHE_SIZE = 1024


class VerifiedTokenCache:
    """Principals of recently verified tokens, each until its token expires or the TTL ends."""

    def __init__(
        self,
        *,
        ttl_seconds: float = VERIFIED_TOKEN_TTL_SECONDS,
        max_size: int = VERIFIED_TOKEN_CACHE_SIZE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ttl = ttl_seconds
        self._max_size = max_size
        self._clock = clock
        self._entries: dict[str, tuple[Principal, float]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> Principal | None:
        """The principal ``token`` verified to, if it did so recently and has not expired."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        principal, until = entry
        if self._clock() >= until:
            del self._entries[token]
            return None
        return principal

    def keep(self, token: str, principal: Principal) -> None:
        """Remember a token that has just verified (never call this for a refused one)."""
        until = self._clock() + self._ttl
        if principal.expires_at is not None:
            until = min(until, principal.expires_at.timestamp())
        if until <= self._clock() or self._max_size <= 0:
            return  # expired already (accepted within the leeway): verify it each time
        while len(self._entries) >= self._max_size:
            del self._entries[next(iter(self._entries))]
        self._entries[token] = (principal, until)

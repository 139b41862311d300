"""Tokens: verifying a bearer JWT into a :class:`Principal`, and minting dev tokens."""

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio.to_thread
import jwt

from xuncha_shared.auth.config import AuthConfig
from xuncha_shared.auth.errors import auth_error, decode_error
from xuncha_shared.auth.roles import DEPARTMENT_ROLES, Principal, Role
from xuncha_shared.auth.verified_tokens import VerifiedTokenCache

__all__ = ["MAX_SUBJECT_LENGTH", "MAX_TOKEN_LENGTH", "TokenVerifier", "mint_dev_token"]

#: Longest token accepted, in characters; anything longer is refused before parsing.
MAX_TOKEN_LENGTH = 16_384
MAX_SUBJECT_LENGTH = 128
_DEV_ALGORITHM = "HS256"
_ROLE_SPLIT = re.compile(r"[\s,]+")


class TokenVerifier:
    """Turns a bearer token into a :class:`Principal`, or raises :class:`AuthError`.

    Build one per service at startup and share it: in ``oidc`` mode it holds the JWKS
    cache. The JWKS is fetched lazily, on the first token, in a worker thread.
    """

    def __init__(self, config: AuthConfig, *, verified: VerifiedTokenCache | None = None) -> None:
        """Prepare verification for ``config`` (no network access happens here).

        ``verified`` keeps the principals of tokens that verified, so that a client's next
        requests with the same token skip the signature check (see
        :mod:`xuncha_shared.auth.verified_tokens`); one is made when not given."""
        self._config = config
        self.verified = verified if verified is not None else VerifiedTokenCache()
        self._jwks: jwt.PyJWKClient | None = None
        if config.mode == "oidc":
            assert config.jwks_url is not None  # guaranteed by AuthConfig
            self._jwks = jwt.PyJWKClient(
                config.jwks_url,
                cache_jwk_set=True,
                lifespan=config.jwks_cache_seconds,
                cooldown_duration=config.jwks_refetch_cooldown_seconds,
                timeout=config.jwks_timeout_seconds,
            )

    @property
    def config(self) -> AuthConfig:
        """The settings this verifier was built from."""
        return self._config

    async def verify(self, token: str) -> Principal:
        """Verify ``token`` (the part after ``Bearer``) and return who it speaks for."""
        token = token.strip()
        if not token:
            raise auth_error("missing_token")
        if len(token) > MAX_TOKEN_LENGTH:
            raise auth_error("malformed_token")
        known = self.verified.get(token)
        if known is not None:
            return known
        principal = await self._verify_signature_and_claims(token)
        self.verified.keep(token, principal)
        return principal

    async def _verify_signature_and_claims(self, token: str) -> Principal:
        """The full check of a token not verified recently."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise auth_error("malformed_token") from exc

        config = self._config
        key: jwt.PyJWK | str
        if self._jwks is None or (
            config.dev_secret is not None and header.get("alg") == _DEV_ALGORITHM
        ):
            assert config.dev_secret is not None  # guaranteed by AuthConfig
            key = config.dev_secret.get_secret_value()
            algorithms = [_DEV_ALGORITHM]
            issuer = config.dev_issuer
        else:
            algorithms = list(config.algorithms)
            issuer = config.issuer or ""
            if header.get("alg") not in algorithms:
                raise auth_error("invalid_algorithm")
            key = await self._signing_key(header.get("kid"))

        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=config.audience,
                issuer=issuer,
                leeway=config.leeway_seconds,
                options={
                    "require": ["exp", "iss", "sub"],
                    "verify_aud": config.audience is not None,
                },
            )
        except jwt.PyJWTError as exc:
            raise decode_error(exc) from exc
        return _principal_from_claims(claims, config)

    async def _signing_key(self, kid: object) -> jwt.PyJWK:
        """Find the provider's key ``kid``, fetching the JWKS off the event loop if needed."""
        assert self._jwks is not None
        if not isinstance(kid, str) or not kid:
            raise auth_error("unknown_key")
        try:
            return await anyio.to_thread.run_sync(self._jwks.get_signing_key, kid)
        except jwt.PyJWKClientConnectionError as exc:
            raise auth_error("jwks_unavailable", status_code=503) from exc
        except jwt.PyJWKClientError as exc:
            # PyJWT raises this class both for "no key matches this kid" and for a JWKS
            # document without signing keys; only its message tells them apart.
            if str(exc).startswith("The JWKS endpoint"):
                raise auth_error("jwks_unavailable", status_code=503) from exc
            raise auth_error("unknown_key") from exc
        except jwt.PyJWTError as exc:  # a JWKS document that is not a usable key set
            raise auth_error("jwks_unavailable", status_code=503) from exc


def mint_dev_token(
    config: AuthConfig,
    *,
    subject: str,
    roles: Iterable[Role | str],
    jurisdiction: str,
    org_id: str | None = None,
    name: str = "",
    ttl: timedelta = timedelta(hours=12),
    now: datetime | None = None,
) -> str:
    """Mint an HS256 token that a :class:`TokenVerifier` with this ``dev_secret`` accepts.

    For embedded runs (the CLI, the demo loader, 开发登录) and tests; refused
    (``ValueError``) without a ``dev_secret``.
    Role strings are written as given, unknown ones included, so tests can mint tokens
    the verifier must refuse. ``now`` (timezone-aware) defaults to the current time.
    """
    if config.dev_secret is None:
        raise ValueError("mint_dev_token needs a dev_secret (dev mode, or oidc mode with one)")
    if not subject:
        raise ValueError("subject must not be empty")
    if not jurisdiction:
        raise ValueError("jurisdiction must not be empty")
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    issued = int(now.timestamp())
    payload: dict[str, Any] = {
        "iss": config.dev_issuer,
        "sub": subject,
        "iat": issued,
        "nbf": issued,
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
        config.roles_claim: [str(role) for role in roles],
        config.jurisdiction_claim: jurisdiction,
    }
    if config.audience is not None:
        payload["aud"] = config.audience
    if org_id is not None:
        payload[config.org_claim] = org_id
    if name:
        payload[config.name_claim] = name
    return jwt.encode(payload, config.dev_secret.get_secret_value(), algorithm=_DEV_ALGORITHM)


# --- reading claims ----------------------------------------------------------------------


def _claim(claims: Mapping[str, Any], name: str) -> Any:
    """Read claim ``name``: a top-level claim of that exact name, else a dotted path."""
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text_claim(claims: Mapping[str, Any], name: str) -> str | None:
    """Read an optional identifier claim (a string, or an integer such as ``410825``)."""
    value = _claim(claims, name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise auth_error("invalid_claim", name)
    return str(value).strip() or None


def _role_names(claims: Mapping[str, Any], name: str) -> list[str]:
    """Read the role names: a list of strings, or one space/comma-separated string."""
    value = _claim(claims, name)
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in _ROLE_SPLIT.split(value) if part]
    if isinstance(value, list | tuple):
        return [item.strip() for item in value if isinstance(item, str) and item.strip()]
    raise auth_error("invalid_claim", name)


def _known_role(name: str) -> Role | None:
    """The :class:`Role` called ``name``, or ``None`` for a role this system does not know."""
    try:
        return Role(name)
    except ValueError:
        return None


def _principal_from_claims(claims: Mapping[str, Any], config: AuthConfig) -> Principal:
    """Build the principal from verified claims, enforcing role and jurisdiction rules."""
    subject = claims.get("sub")
    # Subjects are stored as the actor of every change (128 characters).
    if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT_LENGTH:
        raise auth_error("invalid_claim", "sub")

    names = _role_names(claims, config.roles_claim)
    if not names:
        raise auth_error("no_role")
    known = {role for role in map(_known_role, names) if role is not None}
    if not known:
        raise auth_error("no_known_role")

    personal_name = _text_claim(claims, config.name_claim) or ""
    client_id = _text_claim(claims, "client_id") or _text_claim(claims, "azp")
    is_service = Role.service in known or (client_id is not None and not personal_name)

    jurisdiction = _text_claim(claims, config.jurisdiction_claim)
    if jurisdiction is None:
        raise auth_error("no_jurisdiction")

    if is_service:
        known.add(Role.service)
        if known.isdisjoint(DEPARTMENT_ROLES):
            raise auth_error("service_account_without_department")

    return Principal(
        subject=subject,
        name=personal_name or ((client_id or subject) if is_service else ""),
        roles=frozenset(known),
        org_id=_text_claim(claims, config.org_claim),
        jurisdiction=jurisdiction,
        is_service_account=is_service,
        # Required and checked to be a number by the verification above.
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )

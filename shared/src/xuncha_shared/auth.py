"""Authentication for every Xuncha service: bearer JWTs carrying role, org and jurisdiction.

Two modes, one code path (see ARCHITECTURE.md, "API conventions"):

* ``dev`` — embedded/dev runs and tests. Tokens are HS256 JWTs signed with a shared dev
  secret and minted by :func:`mint_dev_token` (the CLI wraps it).
* ``oidc`` — production. Tokens come from an OpenID Connect provider and are checked
  against its JWKS (fetched and cached by :class:`jwt.PyJWKClient`), issuer, audience and
  ``exp``/``nbf`` with leeway.

Either way the result is a :class:`Principal`. Every authentication failure raises
:class:`AuthError` (to become a 401 problem+json); a missing role raises :class:`Forbidden`
(a 403). Only route-level role checks live here: per-record authorization ("a group sees
its own assignments", "clue details only for the office and the recipient") belongs to
the services.

Nothing is built at import time: verifiers, JWKS clients and FastAPI security schemes are
created by the functions and classes below when a service starts.
"""

import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal, Self, TypeAlias

import anyio.to_thread
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = [
    "DEPARTMENT_ROLES",
    "AuthConfig",
    "AuthError",
    "Forbidden",
    "Principal",
    "PrincipalDependency",
    "Role",
    "TokenVerifier",
    "mint_dev_token",
    "principal_dependency",
    "require_roles",
]

#: Longest token accepted, in characters; anything longer is refused before parsing.
MAX_TOKEN_LENGTH = 16_384
MAX_SUBJECT_LENGTH = 128
#: Minimum length of the dev signing secret (HS256 wants at least 256 bits).
MIN_DEV_SECRET_LENGTH = 32
_DEV_ALGORITHM = "HS256"
_ROLE_SPLIT = re.compile(r"[\s,]+")


class Role(StrEnum):
    """Who a caller is, in the ubiquitous language of DOMAIN.md ("Who uses it")."""

    office = "office"
    """巡察办: plans terms and rounds, runs the clue ledger, follows rectification."""
    leadership = "leadership"
    """巡察工作领导小组 / 书记专题会: approves plans, classifications, reports."""
    group = "group"
    """巡察组: records problems and writes reports for its own assignments."""
    discipline = "discipline"
    """纪委监委 and 派驻纪检监察组: consultations, clues, supervision of rectification."""
    organization = "organization"
    """组织部: consultations on cadres, 选人用人 clues, the promotion check."""
    department = "department"
    """Other departments (审计局, 信访局, 公安局, 宣传部 …)."""
    inspected = "inspected"
    """被巡察党组织: claims feedback, plans and reports rectification."""
    leader = "leader"
    """分管县级领导 / 领办领导: owns a rectification problem, is copied on common problems."""
    service = "service"
    """A department system's service account (a machine acting for a department)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name users see for this role."""
        return _ROLE_LABELS_ZH[self]


_ROLE_LABELS_ZH: Mapping[Role, str] = {
    Role.office: "巡察办",
    Role.leadership: "巡察工作领导小组",
    Role.group: "巡察组",
    Role.discipline: "纪委监委",
    Role.organization: "组织部",
    Role.department: "职能部门",
    Role.inspected: "被巡察党组织",
    Role.leader: "分管县级领导",
    Role.service: "部门系统服务账号",
}

#: Roles that stand for a department; a service account must carry at least one of them.
DEPARTMENT_ROLES: frozenset[Role] = frozenset({Role.discipline, Role.organization, Role.department})


class AuthError(Exception):
    """The caller could not be authenticated (to be rendered as a 401 problem+json).

    ``code`` is stable and machine-readable (``missing_token``, ``expired_token``,
    ``invalid_signature`` …); the messages are for people. ``status_code`` is 401 except
    for ``jwks_unavailable`` (503): the identity provider's keys could not be fetched, so
    the caller is not at fault.
    """

    def __init__(
        self, code: str, message_zh: str, message_en: str, *, status_code: int = 401
    ) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.status_code = status_code

    @property
    def www_authenticate(self) -> str:
        """A ``WWW-Authenticate`` header value for the response (RFC 6750, section 3)."""
        if self.code in {"missing_token", "invalid_authorization_header"}:
            return 'Bearer realm="xuncha"'
        description = self.message_en.replace("\\", "").replace('"', "'")
        return f'Bearer realm="xuncha", error="invalid_token", error_description="{description}"'


class Forbidden(Exception):
    """The caller is authenticated but not allowed to do this (a 403 problem+json).

    Services raise it for their per-record checks too.
    """

    def __init__(self, message_zh: str, message_en: str, *, code: str = "forbidden") -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request.

    ``org_id`` is the org the caller belongs to (an inspected org's id, a department's
    org id) or ``None``; ``jurisdiction`` is the code of the committee whose work the
    caller takes part in (e.g. ``"410825"`` for 温县).
    """

    subject: str
    name: str
    roles: frozenset[Role]
    org_id: str | None
    jurisdiction: str
    is_service_account: bool

    def has(self, *roles: Role) -> bool:
        """Whether the caller has at least one of ``roles`` (``False`` when none given)."""
        return not self.roles.isdisjoint(roles)

    def in_jurisdiction(self, j: str) -> bool:
        """Whether records of jurisdiction ``j`` are in the caller's jurisdiction.

        An exact match: escalated (提级) and cross (交叉) inspection reach other
        jurisdictions through per-record rules in the services, not through this check.
        """
        return self.jurisdiction == j


class AuthConfig(BaseModel):
    """Authentication settings; embedded in every service's settings.

    ``dev`` mode needs ``dev_secret`` (at least 32 characters); ``oidc`` mode needs
    ``issuer`` and ``jwks_url``, and outside production may also carry a ``dev_secret``:
    then an HS256 token of ``dev_issuer`` is verified with it and every other token against
    the JWKS (a development run signs people in through the accounts service and still
    offers 开发登录). ``audience``, when set, is required in tokens in both
    modes; when unset it is not checked (set it in production, so that tokens the
    provider issued for other clients are refused). Claim names may be dotted paths into
    nested claims (``realm_access.roles``); a claim whose full name matches is preferred.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["dev", "oidc"]
    # dev
    dev_secret: SecretStr | None = None
    dev_issuer: str = "xuncha-dev"
    # oidc
    issuer: str | None = None
    jwks_url: str | None = None
    audience: str | None = None
    algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])
    leeway_seconds: int = Field(default=30, ge=0, le=600)
    jwks_cache_seconds: float = Field(default=300, gt=0)
    """How long the fetched JWKS is trusted before it is fetched again."""
    jwks_refetch_cooldown_seconds: float = Field(default=30, ge=0)
    """After a fetch, how long a token with an unknown ``kid`` is refused without
    fetching the JWKS again (so that forged ``kid`` values cannot hammer the provider)."""
    jwks_timeout_seconds: float = Field(default=5, gt=0)
    # claim names
    roles_claim: str = "roles"
    org_claim: str = "org"
    jurisdiction_claim: str = "jurisdiction"
    name_claim: str = "name"

    @model_validator(mode="after")
    def _check_mode(self) -> Self:
        """Refuse settings that cannot verify anything, or could verify too much."""
        if self.dev_secret is not None and (
            len(self.dev_secret.get_secret_value()) < MIN_DEV_SECRET_LENGTH
        ):
            raise ValueError(f"dev_secret must be at least {MIN_DEV_SECRET_LENGTH} characters long")
        if self.mode == "dev":
            if self.dev_secret is None:
                raise ValueError("dev mode needs dev_secret")
            if not self.dev_issuer:
                raise ValueError("dev mode needs a non-empty dev_issuer")
        else:
            if not self.issuer:
                raise ValueError("oidc mode needs issuer")
            if not self.jwks_url:
                raise ValueError("oidc mode needs jwks_url")
            if not self.jwks_url.lower().startswith(("https://", "http://")):
                raise ValueError("jwks_url must be an http(s) URL")
            if not self.algorithms:
                raise ValueError("oidc mode needs at least one algorithm")
            weak = [a for a in self.algorithms if a.lower() == "none" or a.startswith("HS")]
            if weak:
                raise ValueError(
                    f"oidc mode only accepts asymmetric algorithms, not {', '.join(weak)}"
                )
        return self


class TokenVerifier:
    """Turns a bearer token into a :class:`Principal`, or raises :class:`AuthError`.

    Build one per service at startup and share it: in ``oidc`` mode it holds the JWKS
    cache. The JWKS is fetched lazily, on the first token, in a worker thread.
    """

    def __init__(self, config: AuthConfig) -> None:
        """Prepare verification for ``config`` (no network access happens here)."""
        self._config = config
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
            raise _error("missing_token")
        if len(token) > MAX_TOKEN_LENGTH:
            raise _error("malformed_token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _error("malformed_token") from exc

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
                raise _error("invalid_algorithm")
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
            raise _decode_error(exc) from exc
        return _principal_from_claims(claims, config)

    async def _signing_key(self, kid: object) -> jwt.PyJWK:
        """Find the provider's key ``kid``, fetching the JWKS off the event loop if needed."""
        assert self._jwks is not None
        if not isinstance(kid, str) or not kid:
            raise _error("unknown_key")
        try:
            return await anyio.to_thread.run_sync(self._jwks.get_signing_key, kid)
        except jwt.PyJWKClientConnectionError as exc:
            raise _error("jwks_unavailable", status_code=503) from exc
        except jwt.PyJWKClientError as exc:
            # PyJWT raises this class both for "no key matches this kid" and for a JWKS
            # document without signing keys; only its message tells them apart.
            if str(exc).startswith("The JWKS endpoint"):
                raise _error("jwks_unavailable", status_code=503) from exc
            raise _error("unknown_key") from exc
        except jwt.PyJWTError as exc:  # a JWKS document that is not a usable key set
            raise _error("jwks_unavailable", status_code=503) from exc


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


PrincipalDependency: TypeAlias = Callable[..., Awaitable[Principal]]
"""A FastAPI dependency that yields the request's :class:`Principal`."""


def principal_dependency(
    get_verifier: Callable[[Request], TokenVerifier],
) -> PrincipalDependency:
    """Build the FastAPI dependency that authenticates a request.

    It reads ``Authorization: Bearer <token>`` (declared as an HTTP bearer security
    scheme, so the OpenAPI docs offer an "Authorize" button), verifies the token with
    ``get_verifier(request)`` (e.g. ``lambda r: r.app.state.token_verifier``), stores the
    principal on ``request.state.principal`` and returns it. Failures raise
    :class:`AuthError`. Build it once per service and reuse the same object, so that
    FastAPI verifies a token once per request however many routes and dependencies use it.
    """
    bearer = HTTPBearer(
        auto_error=False,
        scheme_name="bearerAuth",
        bearerFormat="JWT",
        description="身份令牌（JWT），含角色、所属组织与管辖范围 / "
        "Bearer JWT carrying roles, org and jurisdiction",
    )

    async def current_principal(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    ) -> Principal:
        """Authenticate the request and return its principal."""
        if credentials is None:
            if request.headers.get("authorization"):
                raise _error("invalid_authorization_header")
            raise _error("missing_token")
        principal = await get_verifier(request).verify(credentials.credentials)
        request.state.principal = principal
        return principal

    return current_principal


def require_roles(
    *roles: Role, principal: PrincipalDependency | None = None
) -> PrincipalDependency:
    """Build a dependency that admits callers with at least one of ``roles``.

    With ``principal`` (the dependency from :func:`principal_dependency`) it
    authenticates the request itself; without, it reads ``request.state.principal``,
    which that dependency must have set earlier (e.g. as a router-level dependency), and
    raises :class:`AuthError` if it has not. A caller with none of the roles gets
    :class:`Forbidden`. The dependency returns the principal.
    """
    if not roles:
        raise ValueError("require_roles needs at least one role")
    wanted = frozenset(roles)
    message_zh = "需要以下角色之一：" + "、".join(r.label_zh for r in roles)
    message_en = "Requires one of the roles: " + ", ".join(str(r) for r in roles)

    def check(who: Principal) -> Principal:
        if who.roles.isdisjoint(wanted):
            raise Forbidden(message_zh, message_en, code="role_required")
        return who

    if principal is not None:
        authenticate = principal

        async def require_with_principal(
            who: Principal = Depends(authenticate),
        ) -> Principal:
            """Admit the authenticated caller only with one of the required roles."""
            return check(who)

        return require_with_principal

    async def require_from_state(request: Request) -> Principal:
        """Admit the caller authenticated earlier only with one of the required roles."""
        who = getattr(request.state, "principal", None)
        if not isinstance(who, Principal):
            raise _error("missing_token")
        return check(who)

    return require_from_state


# --- internals ---------------------------------------------------------------------------

_MESSAGES: Mapping[str, tuple[str, str]] = {
    "missing_token": ("缺少身份令牌，请先登录", "No bearer token was sent; sign in first"),
    "invalid_authorization_header": (
        "Authorization 请求头格式不正确，应为 “Bearer <令牌>”",
        "The Authorization header must be 'Bearer <token>'",
    ),
    "malformed_token": ("身份令牌格式不正确", "The token is not a well-formed JWT"),
    "expired_token": ("身份令牌已过期，请重新登录", "The token has expired; sign in again"),
    "token_not_yet_valid": ("身份令牌尚未生效", "The token is not valid yet"),
    "invalid_signature": ("身份令牌签名无效", "The token signature is invalid"),
    "invalid_algorithm": (
        "身份令牌的签名算法不被接受",
        "The token's signing algorithm is not accepted",
    ),
    "invalid_issuer": ("身份令牌的签发方不被信任", "The token was not issued by a trusted issuer"),
    "invalid_audience": ("身份令牌不是签发给本系统的", "The token was not issued for this service"),
    "unknown_key": (
        "身份令牌的签名密钥不在认证服务的公钥集中",
        "The token was signed with a key the identity provider does not publish",
    ),
    "jwks_unavailable": (
        "暂时无法获取认证服务的公钥，请稍后重试",
        "The identity provider's keys could not be fetched; try again later",
    ),
    "missing_claim": ("身份令牌缺少必要的声明", "The token lacks a required claim"),
    "invalid_claim": ("身份令牌中的声明格式不正确", "A claim in the token is malformed"),
    "no_role": ("身份令牌未包含任何角色", "The token carries no role"),
    "no_known_role": (
        "身份令牌中的角色均不属于本系统",
        "None of the token's roles is known to this system",
    ),
    "no_jurisdiction": ("身份令牌未注明管辖范围", "The token carries no jurisdiction"),
    "service_account_without_department": (
        "服务账号须带有部门角色（纪委监委、组织部或职能部门）",
        "A service account must carry a department role (discipline, organization or department)",
    ),
    "invalid_token": ("身份令牌无效", "The token is invalid"),
}


def _error(code: str, detail: str = "", *, status_code: int = 401) -> AuthError:
    """An :class:`AuthError` with the standard messages for ``code`` (plus a detail)."""
    zh, en = _MESSAGES[code]
    if detail:
        zh, en = f"{zh}（{detail}）", f"{en} ({detail})"
    return AuthError(code, zh, en, status_code=status_code)


def _decode_error(exc: jwt.PyJWTError) -> AuthError:
    """Translate a PyJWT failure into an :class:`AuthError` with a stable code."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        return _error("expired_token")
    if isinstance(exc, jwt.ImmatureSignatureError):
        return _error("token_not_yet_valid")
    if isinstance(exc, jwt.InvalidAudienceError):
        return _error("invalid_audience")
    if isinstance(exc, jwt.InvalidIssuerError):
        return _error("invalid_issuer")
    if isinstance(exc, jwt.MissingRequiredClaimError):
        if exc.claim == "aud":
            return _error("invalid_audience")
        if exc.claim == "iss":
            return _error("invalid_issuer")
        return _error("missing_claim", exc.claim)
    if isinstance(exc, jwt.InvalidSignatureError):
        return _error("invalid_signature")
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return _error("invalid_algorithm")
    if isinstance(exc, jwt.DecodeError):
        return _error("malformed_token")
    if isinstance(exc, jwt.InvalidKeyError):  # e.g. a key of the wrong type for the alg
        return _error("invalid_signature")
    if isinstance(exc, jwt.InvalidTokenError):  # iat/sub/jti of the wrong type
        return _error("invalid_claim", str(exc))
    return _error("invalid_token")


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
        raise _error("invalid_claim", name)
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
    raise _error("invalid_claim", name)


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
        raise _error("invalid_claim", "sub")

    names = _role_names(claims, config.roles_claim)
    if not names:
        raise _error("no_role")
    known = {role for role in map(_known_role, names) if role is not None}
    if not known:
        raise _error("no_known_role")

    personal_name = _text_claim(claims, config.name_claim) or ""
    client_id = _text_claim(claims, "client_id") or _text_claim(claims, "azp")
    is_service = Role.service in known or (client_id is not None and not personal_name)

    jurisdiction = _text_claim(claims, config.jurisdiction_claim)
    if jurisdiction is None:
        raise _error("no_jurisdiction")

    if is_service:
        known.add(Role.service)
        if known.isdisjoint(DEPARTMENT_ROLES):
            raise _error("service_account_without_department")

    return Principal(
        subject=subject,
        name=personal_name or ((client_id or subject) if is_service else ""),
        roles=frozenset(known),
        org_id=_text_claim(claims, config.org_claim),
        jurisdiction=jurisdiction,
        is_service_account=is_service,
    )

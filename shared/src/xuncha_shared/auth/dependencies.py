"""FastAPI dependencies: authenticate a request, and admit only callers with given roles."""

from collections.abc import Awaitable, Callable
from typing import TypeAlias

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from xuncha_shared.auth.errors import Forbidden, auth_error
from xuncha_shared.auth.roles import Principal, Role
from xuncha_shared.auth.tokens import TokenVerifier

__all__ = ["BearerPrincipal", "PrincipalDependency", "principal_dependency", "require_roles"]


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
    return BearerPrincipal(get_verifier)


class BearerPrincipal(HTTPBearer):
    """The principal dependency: the bearer security scheme and the authentication in one.

    Being the :class:`HTTPBearer` itself (rather than a function depending on one) the
    OpenAPI document declares the same ``bearerAuth`` scheme, while FastAPI solves one
    dependency per request instead of two, for every route and every dependency that
    needs the principal (FastAPI re-walks a cached dependency's sub-dependencies each
    time it meets it).
    """

    def __init__(self, get_verifier: Callable[[Request], TokenVerifier]) -> None:
        super().__init__(
            auto_error=False,
            scheme_name="bearerAuth",
            bearerFormat="JWT",
            description="身份令牌（JWT），含角色、所属组织与管辖范围 / "
            "Bearer JWT carrying roles, org and jurisdiction",
        )
        self._get_verifier = get_verifier

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        """Authenticate the request and return its principal."""
        credentials = await super().__call__(request)
        if credentials is None:
            if request.headers.get("authorization"):
                raise auth_error("invalid_authorization_header")
            raise auth_error("missing_token")
        principal = await self._get_verifier(request).verify(credentials.credentials)
        request.state.principal = principal
        return principal


def require_roles(
    *roles: Role,
    principal: PrincipalDependency | None = None,
    why: tuple[str, str] | None = None,
) -> PrincipalDependency:
    """Build a dependency that admits callers with at least one of ``roles``.

    With ``principal`` (the dependency from :func:`principal_dependency`) it
    authenticates the request itself; without, it reads ``request.state.principal``,
    which that dependency must have set earlier (e.g. as a router-level dependency), and
    raises :class:`AuthError` if it has not. A caller with none of the roles gets
    :class:`Forbidden`, worded by ``why`` (Chinese, English) when given, else naming the
    roles. The dependency returns the principal.
    """
    if not roles:
        raise ValueError("require_roles needs at least one role")
    wanted = frozenset(roles)
    message_zh, message_en = why or (
        "需要以下角色之一：" + "、".join(r.label_zh for r in roles),
        "Requires one of the roles: " + ", ".join(str(r) for r in roles),
    )

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
            raise auth_error("missing_token")
        return check(who)

    return require_from_state

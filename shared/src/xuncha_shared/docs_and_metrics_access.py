"""In production, the API docs need a sign-in and the metrics need the metrics token.

What a service's ``/docs``, ``/redoc`` and ``/openapi.json`` (and the platform's combined
document) describe is every route, parameter and problem the platform has: in production
only a signed-in account reads them, with the same ``Authorization: Bearer <token>`` the
APIs take (any role: a department system integrating with the platform needs them too).
``/metrics`` tells request counts per route and outbox and consumer backlogs: in production
Prometheus reads it with the service's metrics token (``metrics_token``, compared in
constant time and never logged), and an office account may read it with its own token.
Production refuses to start with metrics enabled and no metrics token (through
``unsafe_in_production()``). In development and tests both stay open, as before.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import SecretStr

from xuncha_shared.auth import Forbidden, Principal, Role, TokenVerifier
from xuncha_shared.auth.errors import auth_error
from xuncha_shared.problems import NotFound
from xuncha_shared.production_safety import UnsafeSetting

__all__ = [
    "MIN_METRICS_TOKEN_LENGTH",
    "api_docs_need_sign_in_in_production",
    "docs_routes",
    "metrics_need_metrics_token_in_production",
    "unsafe_metrics_settings",
]

#: As long as a token ``secrets.token_urlsafe(24)`` makes: not worth guessing.
MIN_METRICS_TOKEN_LENGTH = 32

AccessCheck = Callable[[Request], Awaitable[None]]


def bearer_token(request: Request) -> str:
    """The request's bearer token; a 401 problem when there is none or it is malformed."""
    header = request.headers.get("authorization")
    if not header:
        raise auth_error("missing_token")
    scheme, token = get_authorization_scheme_param(header)
    if scheme.lower() != "bearer" or not token:
        raise auth_error("invalid_authorization_header")
    return token


async def api_docs_need_sign_in_in_production(
    request: Request, *, production: bool, verifier: TokenVerifier
) -> Principal | None:
    """In production, the API docs are read by a signed-in account only (401 otherwise)."""
    if not production:
        return None
    return await verifier.verify(bearer_token(request))


async def metrics_need_metrics_token_in_production(
    request: Request,
    *,
    production: bool,
    enabled: bool,
    metrics_token: SecretStr | None,
    verifier: TokenVerifier,
) -> None:
    """Metrics switched off are a 404; in production they need the metrics token (compared
    in constant time) or an office account's token: 401 without either, 403 for a
    signed-in account of another role."""
    if not enabled:
        raise NotFound("未启用监控指标", "Metrics are not enabled")
    if not production:
        return
    token = bearer_token(request)
    if metrics_token is not None and hmac.compare_digest(
        token.encode(), metrics_token.get_secret_value().encode()
    ):
        return
    principal = await verifier.verify(token)
    if not principal.has(Role.office):
        raise Forbidden(
            "监控指标仅供监控系统（监控令牌）与巡察办读取",
            "Metrics are for the monitoring system (metrics token) and the office only",
            code="metrics-token-required",
        )


def unsafe_metrics_settings(
    enabled: bool, metrics_token: SecretStr | None
) -> Iterator[UnsafeSetting]:
    """What production refuses in the metrics settings."""
    if enabled and metrics_token is None:
        yield UnsafeSetting(
            "metrics_token",
            "生产环境启用监控指标时须设置监控令牌（或关闭 metrics_enabled），否则无人可读取",
            "production with metrics enabled needs metrics_token (or metrics_enabled=false), "
            "the bearer token Prometheus sends",
        )


def docs_routes(
    app: FastAPI,
    *,
    openapi_url: str,
    docs_url: str | None,
    redoc_url: str | None,
    document: Callable[[], dict[str, Any]],
    title: str,
    check: AccessCheck,
) -> None:
    """Serve ``document`` at ``openapi_url`` and Swagger UI / ReDoc over it, each behind
    ``check`` (instead of FastAPI's own docs routes, which take no dependency)."""

    async def openapi(request: Request) -> JSONResponse:
        await check(request)
        return JSONResponse(document())

    app.add_api_route(openapi_url, openapi, methods=["GET"], include_in_schema=False)
    if docs_url is not None:

        async def swagger_ui(request: Request) -> HTMLResponse:
            await check(request)
            return get_swagger_ui_html(openapi_url=openapi_url, title=f"{title} - Swagger UI")

        app.add_api_route(docs_url, swagger_ui, methods=["GET"], include_in_schema=False)
    if redoc_url is not None:

        async def redoc(request: Request) -> HTMLResponse:
            await check(request)
            return get_redoc_html(openapi_url=openapi_url, title=f"{title} - ReDoc")

        app.add_api_route(redoc_url, redoc, methods=["GET"], include_in_schema=False)

"""HTTP routes: 单点登录 Single sign-on through the provincial identity platform."""

from __future__ import annotations

from fastapi import APIRouter, Request
from xuncha_shared.auth import AuthError
from xuncha_shared.db import DbSession
from xuncha_shared.http import Now
from xuncha_shared.problems import Problem, ProblemDetail
from xuncha_shared.web import ERRORS

from accounts.access import settings_of
from accounts.signin.problems import SignInFailed
from accounts.signin.schemas import TokenPair
from accounts.sso import service
from accounts.sso.schemas import SsoConfig, SsoExchange

router = APIRouter(prefix="/sso", tags=["sign-in"])


@router.get(
    "/config",
    response_model=SsoConfig,
    summary="单点登录配置",
    description="工作台据此显示“统一身份认证登录”，并向身份平台发起授权码（PKCE）登录。",
)
async def sso_config(request: Request) -> SsoConfig:
    provider = settings_of(request).sso
    if provider is None:
        return SsoConfig(enabled=False, display_name=None, issuer=None, client_id=None, scope=None)
    return SsoConfig(
        enabled=True,
        display_name=provider.display_name,
        issuer=provider.issuer,
        client_id=provider.client_id,
        scope=provider.scope,
    )


class SsoNotConfigured(Problem):
    status = 404
    code = "sso-not-configured"
    title = "Single sign-on not configured"


@router.post(
    "/exchange",
    response_model=TokenPair,
    summary="单点登录换取平台令牌",
    description="以身份平台签发给本系统（aud）的访问令牌换取平台的访问令牌和刷新令牌；"
    "角色、所属单位、管辖范围取自令牌中的声明，账号记入账号台账。",
    responses={
        401: {
            "model": ProblemDetail,
            "description": "身份平台的令牌无效、过期或不是签发给本系统的",
        },
        403: {"model": ProblemDetail, "description": "账号已停用"},
        404: {"model": ProblemDetail, "description": "未配置单点登录"},
        422: ERRORS[422],
    },
)
async def exchange(body: SsoExchange, request: Request, session: DbSession, now: Now) -> TokenPair:
    settings = settings_of(request)
    if settings.sso is None:
        raise SsoNotConfigured("未配置单点登录", "Single sign-on is not configured")
    verifier = service.provider_verifier(request, settings.sso)
    try:
        return await service.exchange(session, settings, verifier, body.token, now)
    except AuthError as refused:
        # The provider's token, not the caller's bearer: a refused sign-in, said plainly.
        raise SignInFailed(
            f"身份平台的令牌未通过验证：{refused.message_zh}",
            f"The provider's token was refused: {refused.message_en}",
            field="token",
            status=503 if refused.status_code == 503 else None,
        ) from None

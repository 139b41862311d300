"""HTTP routes: the issuer's public documents. Anyone may read them: department systems and
the other services verify the platform's tokens with the published keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from xuncha_shared.db import DbSession
from xuncha_shared.http import Now

from accounts.access import settings_of
from accounts.keys.service import ALGORITHM, published_keys

router = APIRouter(prefix="/.well-known", tags=["keys"])


@router.get(
    "/jwks.json",
    summary="令牌验证公钥（JWKS）",
    description="验证平台访问令牌的公钥集合；密钥定期轮换，新旧密钥在过渡期内同时发布。",
)
async def jwks(request: Request, session: DbSession, now: Now) -> dict[str, Any]:
    return {"keys": await published_keys(session, settings_of(request), now)}


@router.get(
    "/openid-configuration",
    summary="签发方元数据",
    description="OpenID Connect 发现文档的子集：签发方、公钥地址、签名算法。",
)
async def openid_configuration(request: Request) -> dict[str, Any]:
    issuer = settings_of(request).token_issuer
    return {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint": f"{issuer}/sign-in",
        "subject_types_supported": ["public"],
        "response_types_supported": ["token"],
    }

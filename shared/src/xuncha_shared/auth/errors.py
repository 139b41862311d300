"""Authentication and authorization failures, with their stable codes and messages.

:class:`AuthError` becomes a 401 problem+json (503 when the provider's keys are out of
reach), :class:`Forbidden` a 403. :func:`auth_error` builds an :class:`AuthError` from a
code with the standard Chinese and English messages; :func:`decode_error` translates
PyJWT's failures into those codes.
"""

from collections.abc import Mapping

import jwt

__all__ = ["AuthError", "Forbidden", "auth_error", "decode_error"]


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


def auth_error(code: str, detail: str = "", *, status_code: int = 401) -> AuthError:
    """An :class:`AuthError` with the standard messages for ``code`` (plus a detail)."""
    zh, en = _MESSAGES[code]
    if detail:
        zh, en = f"{zh}（{detail}）", f"{en} ({detail})"
    return AuthError(code, zh, en, status_code=status_code)


def decode_error(exc: jwt.PyJWTError) -> AuthError:
    """Translate a PyJWT failure into an :class:`AuthError` with a stable code."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        return auth_error("expired_token")
    if isinstance(exc, jwt.ImmatureSignatureError):
        return auth_error("token_not_yet_valid")
    if isinstance(exc, jwt.InvalidAudienceError):
        return auth_error("invalid_audience")
    if isinstance(exc, jwt.InvalidIssuerError):
        return auth_error("invalid_issuer")
    if isinstance(exc, jwt.MissingRequiredClaimError):
        if exc.claim == "aud":
            return auth_error("invalid_audience")
        if exc.claim == "iss":
            return auth_error("invalid_issuer")
        return auth_error("missing_claim", exc.claim)
    if isinstance(exc, jwt.InvalidSignatureError):
        return auth_error("invalid_signature")
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return auth_error("invalid_algorithm")
    if isinstance(exc, jwt.DecodeError):
        return auth_error("malformed_token")
    if isinstance(exc, jwt.InvalidKeyError):  # e.g. a key of the wrong type for the alg
        return auth_error("invalid_signature")
    if isinstance(exc, jwt.InvalidTokenError):  # iat/sub/jti of the wrong type
        return auth_error("invalid_claim", str(exc))
    return auth_error("invalid_token")

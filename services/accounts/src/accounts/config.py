"""Accounts settings (env prefix ``XUNCHA_ACCOUNTS_``).

The service issues the platform's access tokens: ES256 JWTs whose keys it keeps in its own
schema and publishes at ``/api/accounts/.well-known/jwks.json``. Every other service
verifies them there (``auth.mode=oidc``, ``auth.issuer`` = ``issuer`` below).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import ClassVar

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict
from xuncha_shared.production_safety import UnsafeSetting
from xuncha_shared.settings import ServiceSettings

DEFAULT_ISSUER = "http://127.0.0.1:8000/api/accounts"


class SsoProvider(BaseModel):
    """A provincial unified identity platform (统一身份认证平台) people may sign in through
    instead of a password: OpenID Connect, authorization code with PKCE from the dashboard.
    Its tokens must name ``audience``; the claims below say who the person is here."""

    issuer: str = Field(description="The provider's issuer (its discovery document's base)")
    client_id: str = Field(description="The dashboard's public client at the provider")
    audience: str = Field(default="xuncha", description="The aud its tokens must carry")
    jwks_url: str | None = Field(
        default=None, description="Its keys; by default <issuer>/protocol/openid-connect/certs"
    )
    display_name: str = Field(default="统一身份认证平台", max_length=50)
    scope: str = "openid profile"
    account_claim: str = "preferred_username"
    roles_claim: str = "xuncha_roles"
    org_claim: str = "org"
    jurisdiction_claim: str = "jurisdiction"
    name_claim: str = "name"

    @property
    def keys_url(self) -> str:
        return self.jwks_url or f"{self.issuer.rstrip('/')}/protocol/openid-connect/certs"


class AccountsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="XUNCHA_ACCOUNTS_", env_nested_delimiter="__")
    service: ClassVar[str] = "accounts"

    issuer: str | None = Field(
        default=None,
        description="The tokens' iss: this service's public URL; by default the issuer the "
        "services verify (auth.issuer)",
    )
    token_audience: str = Field(default="xuncha", description="The tokens' aud")
    totp_issuer: str = Field(
        default="巡察工作平台", max_length=50, description="验证器应用中显示的平台名称"
    )
    access_token_seconds: int = Field(default=900, ge=60, le=3600)
    refresh_token_seconds: int = Field(default=12 * 3600, ge=600, le=30 * 24 * 3600)
    key_rotation_days: int = Field(
        default=30, ge=1, le=365, description="A signing key older than this is replaced"
    )
    setup_code_hours: int = Field(default=72, ge=1, le=720)
    lockout_failures: int = Field(
        default=5, ge=1, le=100, description="Failed sign-ins in a row that lock an account"
    )
    lockout_minutes: int = Field(default=15, ge=1, le=1440)
    address_failures_per_window: int = Field(
        default=20, ge=1, le=10_000, description="Failed sign-ins from one address per window"
    )
    address_window_minutes: int = Field(default=15, ge=1, le=1440)
    sso: SsoProvider | None = Field(default=None, description="单点登录的身份平台（可不设）")

    def unsafe_in_production(self) -> Iterator[UnsafeSetting]:
        yield from super().unsafe_in_production()
        if not self.token_issuer.lower().startswith("https://"):
            yield UnsafeSetting(
                "issuer",
                "生产环境的令牌签发者须是 https 地址",
                "production tokens' issuer must be an https URL",
            )
        if self.sso is not None and not self.sso.keys_url.lower().startswith("https://"):
            yield UnsafeSetting(
                "sso.jwks_url",
                "生产环境须通过 https 获取身份平台的公钥",
                "production fetches the identity platform's keys over https only",
            )

    @property
    def token_issuer(self) -> str:
        return self.issuer or self.auth.issuer or DEFAULT_ISSUER


@lru_cache
def get_settings() -> AccountsSettings:
    return AccountsSettings()

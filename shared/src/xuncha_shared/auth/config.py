"""Authentication settings, embedded in every service's settings."""

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = ["MIN_DEV_SECRET_LENGTH", "AuthConfig"]

#: Minimum length of the dev signing secret (HS256 wants at least 256 bits).
MIN_DEV_SECRET_LENGTH = 32


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

    # Errors name the field, never echo the input (dev_secret is in it).
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

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

"""Notify settings (env prefix ``XUNCHA_NOTIFY_``).

Delivery: a pending webhook or e-mail is tried at once, then after a full-jitter
exponential wait (``retry_base_seconds`` doubling up to ``retry_max_seconds``), and after
``max_attempts`` failed tries it is dead-lettered for the office to replay. SMTP is off
until ``smtp_host`` is set (no e-mail deliveries are recorded without it).

Webhook secrets are always sealed (``secret_keys``): without keys of its own a development
run seals with ``DEV_WEBHOOK_KEY``, which production refuses, as it refuses to start with no
key at all. Webhooks go only to public addresses; ``webhook_allow_private_targets`` lets
tests post to a receiver on loopback, and production refuses to start with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from functools import lru_cache
from typing import Annotated, ClassVar, Literal

from cryptography.fernet import Fernet
from fastapi import Depends, Request
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict
from xuncha_shared.production_safety import UnsafeSetting
from xuncha_shared.settings import ServiceSettings

# A valid Fernet key (32 bytes, url-safe base64) anyone can read: development and tests only.
DEV_WEBHOOK_KEY = "eHVuY2hhLWRldi13ZWJob29rLWtleS1ub3QtcHJvZCE="


class NotifySettings(ServiceSettings):
    # A refused value (a malformed key, an SMTP password) is never echoed in the error.
    model_config = SettingsConfigDict(
        env_prefix="XUNCHA_NOTIFY_", env_nested_delimiter="__", hide_input_in_errors=True
    )
    service: ClassVar[str] = "notify"

    # The dispatcher and the digest run as periodic jobs: a short period keeps deliveries
    # prompt (each run is one cheap query when nothing is due).
    scheduler_seconds: float = Field(default=5.0, gt=0)

    max_attempts: int = Field(default=8, ge=1, le=50, description="tries before dead-lettering")
    retry_base_seconds: float = Field(default=30.0, gt=0)
    retry_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    dispatch_batch: int = Field(default=50, ge=1, le=1000)
    dispatch_concurrency: int = Field(default=10, ge=1, le=100)

    secret_keys: list[SecretStr] = Field(
        default_factory=lambda: [SecretStr(DEV_WEBHOOK_KEY)],
        description="Fernet keys sealing webhook secrets at rest; the first encrypts, all decrypt",
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    webhook_allow_private_targets: bool = Field(
        default=False,
        description="Tests only: post webhooks to loopback and private addresses too",
    )

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "xuncha@localhost"
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=15.0, gt=0, le=120)

    digest_time: time = Field(default=time(18, 0), description="local time of the daily digest")

    stream_poll_seconds: float = Field(default=1.0, gt=0, le=30)
    stream_keepalive_seconds: float = Field(default=15.0, gt=0, le=300)

    public_base_url: str = Field(
        default="", description="prefix of the record links in e-mails (e.g. https://xuncha.gov.cn)"
    )

    @field_validator("secret_keys")
    @classmethod
    def _keys_are_fernet_keys(cls, keys: list[SecretStr]) -> list[SecretStr]:
        for i, key in enumerate(keys):
            try:
                Fernet(key.get_secret_value())
            except (ValueError, TypeError) as exc:
                # Never echo the key itself.
                raise ValueError(
                    f"secret_keys[{i}] 不是有效的 Fernet 密钥 / "
                    f"secret_keys[{i}] is not a valid Fernet key"
                ) from exc
        return keys

    @property
    def uses_development_key(self) -> bool:
        """Whether any configured key is the development key built into the code."""
        return any(k.get_secret_value() == DEV_WEBHOOK_KEY for k in self.secret_keys)

    @model_validator(mode="after")
    def _webhook_secrets_are_sealed(self) -> NotifySettings:
        if not self.secret_keys:
            # Left empty, secrets would have to be stored in clear.
            raise ValueError(
                "回调密钥须加密保存，请配置 secret_keys / "
                "webhook secrets are stored sealed: secret_keys needs a Fernet key"
            )
        return self

    def unsafe_in_production(self) -> Iterator[UnsafeSetting]:
        yield from super().unsafe_in_production()
        if self.uses_development_key:
            yield UnsafeSetting(
                "secret_keys",
                "生产环境须使用自己的加密密钥，不得使用开发密钥",
                "production needs secret_keys of its own, not the development key",
            )
        if self.webhook_allow_private_targets:
            yield UnsafeSetting(
                "webhook_allow_private_targets",
                "生产环境只向公网地址发送回调：webhook_allow_private_targets 仅供测试",
                "production posts webhooks to public addresses only: "
                "webhook_allow_private_targets is for tests",
            )
        if self.smtp_password is not None and self.smtp_tls == "none":
            yield UnsafeSetting(
                "smtp_tls",
                "生产环境不得以明文连接发送邮件密码，请设置 starttls 或 tls",
                "production never sends the SMTP password in clear: set starttls or tls",
            )

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)


@lru_cache
def get_settings() -> NotifySettings:
    return NotifySettings()


def settings_of(request: Request) -> NotifySettings:
    """The running service's settings."""
    settings = request.app.state.runtime.settings
    assert isinstance(settings, NotifySettings)
    return settings


CurrentSettings = Annotated[NotifySettings, Depends(settings_of)]

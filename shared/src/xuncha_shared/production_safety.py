"""Production refuses unsafe settings at start.

A service whose ``environment`` is ``production`` does not start with a setting that would
let someone else in or leave a secret readable: dev tokens or a dev signing key, tokens
without an audience (a token the provider issued for another client would be accepted), an
``http://`` JWKS URL (whoever sits on the path could hand over their own keys), the clock
moved by a file, a Kafka bus reached without signing in or without TLS (whoever sits on
the network would read every event and the SCRAM exchange), or what a service adds (clues:
the development clue key; notify: webhook secrets that would be stored unsealed). Each
refusal names the setting, in Chinese and in English, and never its value: the settings'
validation errors do not echo their input (``hide_input_in_errors``), because that input
is the environment, keys and passwords included.

The refusals are collected and raised together, so that an operator fixes them in one go.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xuncha_shared.auth import AuthConfig

__all__ = [
    "UnsafeSetting",
    "refuse_unsafe_settings",
    "unsafe_auth_settings",
    "unsafe_kafka_settings",
]


@dataclass(frozen=True)
class UnsafeSetting:
    """One setting production refuses, and why (never its value)."""

    setting: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.zh} / {self.en}"


def unsafe_auth_settings(auth: AuthConfig) -> Iterable[UnsafeSetting]:
    """What production refuses in the authentication settings."""
    if auth.mode == "dev":
        yield UnsafeSetting(
            "auth.mode",
            "生产环境须使用 OIDC 认证（auth.mode=oidc），不接受开发令牌",
            "production needs OIDC auth (auth.mode=oidc), not dev tokens",
        )
    if auth.dev_secret is not None:
        yield UnsafeSetting(
            "auth.dev_secret",
            "生产环境不验证开发令牌，请删除开发签名密钥",
            "production verifies no dev tokens: remove the dev signing key",
        )
    if auth.mode == "oidc" and not auth.audience:
        yield UnsafeSetting(
            "auth.audience",
            "生产环境须设置令牌受众（aud），否则为其他应用签发的令牌也会被接受",
            "production needs the tokens' audience (aud), or tokens issued for other "
            "clients are accepted",
        )
    if auth.jwks_url is not None and not auth.jwks_url.lower().startswith("https://"):
        yield UnsafeSetting(
            "auth.jwks_url",
            "生产环境须通过 https 获取验证令牌的公钥",
            "production fetches the keys that verify tokens over https only",
        )


def unsafe_kafka_settings(
    bus_backend: str, security_protocol: str, password_set: bool
) -> Iterable[UnsafeSetting]:
    """What production refuses in a Kafka bus's settings: no SASL/SCRAM sign-in, or no TLS
    (``SASL_SSL``, the broker's certificate verified against ``kafka_ssl_cafile``)."""
    if bus_backend != "kafka":
        return
    if security_protocol == "PLAINTEXT" or not password_set:
        yield UnsafeSetting(
            "kafka_password",
            "生产环境须以 SASL/SCRAM 登录 Kafka：请设置 kafka_password，不可使用 PLAINTEXT",
            "production signs in to Kafka: set kafka_password (SASL/SCRAM), not PLAINTEXT",
        )
    if security_protocol != "SASL_SSL":
        yield UnsafeSetting(
            "kafka_security_protocol",
            "生产环境须通过 TLS 连接 Kafka（SASL_SSL，并以 kafka_ssl_cafile 验证 broker 证书）",
            "production reaches Kafka over TLS only (SASL_SSL, the broker's certificate "
            "verified against kafka_ssl_cafile)",
        )


def refuse_unsafe_settings(service: str, unsafe: Iterable[UnsafeSetting]) -> None:
    """Raise one ``ValueError`` naming every unsafe setting (for a pydantic validator)."""
    found = list(unsafe)
    if found:
        lines = "\n".join(f"  - {u}" for u in found)
        raise ValueError(
            f"生产环境拒绝启动 {service}，以下设置不安全 / production refuses to start "
            f"{service} with unsafe settings:\n{lines}"
        )

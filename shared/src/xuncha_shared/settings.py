"""Settings every service shares; each service subclasses with its own env prefix.

Nothing here is built at import time: ``get_settings()`` functions in the services build
and cache an instance, and tests build their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from xuncha_shared.auth import AuthConfig
from xuncha_shared.docs_and_metrics_access import (
    MIN_METRICS_TOKEN_LENGTH,
    unsafe_metrics_settings,
)
from xuncha_shared.kafka_access.credentials import NO_CREDENTIALS, KafkaCredentials
from xuncha_shared.production_safety import (
    UnsafeSetting,
    refuse_unsafe_settings,
    unsafe_auth_settings,
    unsafe_kafka_settings,
)
from xuncha_shared.trusted_proxies import trusted_proxy_entry

# Accepted only outside production; the embedded runner replaces it with a random key.
DEV_PLACEHOLDER_SECRET = "xuncha-development-signing-key-not-for-production"

SERVICES = ("planning", "findings", "clues", "rectification", "notify", "accounts")


def _dev_auth() -> AuthConfig:
    return AuthConfig(mode="dev", dev_secret=SecretStr(DEV_PLACEHOLDER_SECRET))


class ServiceSettings(BaseSettings):
    """What every service needs: database, bus, auth, clock zone, logging.

    Subclasses set ``service`` and an env prefix such as ``XUNCHA_PLANNING_``; nested
    values use ``__`` (``XUNCHA_PLANNING_AUTH__MODE=oidc``).
    """

    # A validation error never echoes its input: that is the environment, keys included.
    model_config = SettingsConfigDict(
        extra="ignore", env_nested_delimiter="__", hide_input_in_errors=True
    )

    service: ClassVar[str] = ""

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/xuncha",
        description="SQLAlchemy URL (asyncpg driver) of this service's database",
    )
    db_pool_size: int = Field(default=5, ge=1, le=100)
    bus_backend: Literal["postgres", "kafka"] = "postgres"
    bus_database_url: str | None = Field(
        default=None, description="Database of the PostgreSQL bus; defaults to database_url"
    )
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="SASL_SSL",
        description=(
            "How this service reaches Kafka: SASL/SCRAM over TLS (SASL_SSL, the only one "
            "production accepts), SASL_PLAINTEXT, or PLAINTEXT (no sign-in)"
        ),
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = "SCRAM-SHA-512"
    kafka_username: str | None = Field(
        default=None, description="This service's Kafka principal; defaults to the service name"
    )
    kafka_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = Field(
        default=None,
        description=(
            "PEM file of the CA that signed the brokers' certificates (SASL_SSL; the "
            "deployment's ca.crt); the system's CAs when unset. The host name is verified."
        ),
    )
    topic_prefix: str = Field(default="xuncha", pattern=r"^[A-Za-z0-9._-]+$")
    consumer_group: str | None = None
    relay_enabled: bool = True
    scheduler_enabled: bool = True
    scheduler_seconds: float = Field(default=60.0, gt=0)
    consumers_enabled: bool = True
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_backoff_seconds: float = Field(default=0.2, ge=0)
    consumer_backoff_max_seconds: float = Field(default=10.0, ge=0)
    auth: AuthConfig = Field(default_factory=_dev_auth)
    timezone: str = "Asia/Shanghai"
    clock_offset_file: Path | None = Field(
        default=None,
        description=(
            "Tests and development only: a file holding seconds to add to the real time, "
            "shared by the processes of a test deployment so they move time together"
        ),
    )
    log_level: str = "INFO"
    log_json: bool = True
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description=(
            "Addresses or CIDR networks of the proxies whose X-Forwarded-For is believed "
            "(the gateway); empty: none, the connection's own address counts"
        ),
    )

    metrics_enabled: bool = Field(
        default=True, description="Serve Prometheus metrics at /metrics (off: 404)"
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description=(
            "Bearer token Prometheus sends to read /metrics in production (at least "
            f"{MIN_METRICS_TOKEN_LENGTH} characters; an office token is accepted too); "
            "required in production while metrics are enabled"
        ),
    )

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token_is_long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and len(token.get_secret_value()) < MIN_METRICS_TOKEN_LENGTH:
            # Never echo the token itself.
            raise ValueError(
                f"metrics_token 至少 {MIN_METRICS_TOKEN_LENGTH} 个字符 / metrics_token must "
                f"be at least {MIN_METRICS_TOKEN_LENGTH} characters long"
            )
        return token

    @field_validator("kafka_ssl_cafile", mode="before")
    @classmethod
    def _empty_kafka_ssl_cafile_is_unset(cls, value: object) -> object:
        # An empty variable means "not set" (the system's CAs), not the current directory.
        return None if value == "" else value

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies_are_addresses(cls, entries: list[str]) -> list[str]:
        return [trusted_proxy_entry(e) for e in entries]

    @model_validator(mode="after")
    def _production_refuses_unsafe_settings(self) -> ServiceSettings:
        if self.environment == "production":
            refuse_unsafe_settings(self.service or "service", self.unsafe_in_production())
        return self

    def unsafe_in_production(self) -> Iterator[UnsafeSetting]:
        """What production refuses in these settings; a service adds its own."""
        yield from unsafe_auth_settings(self.auth)
        yield from unsafe_metrics_settings(self.metrics_enabled, self.metrics_token)
        if self.clock_offset_file is not None:
            yield UnsafeSetting(
                "clock_offset_file",
                "生产环境使用真实时间，时钟偏移文件仅用于测试",
                "production reads the real time: clock_offset_file is for tests",
            )
        yield from unsafe_kafka_settings(
            self.bus_backend, self.kafka_security_protocol, self.kafka_password is not None
        )

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def db_schema(self) -> str:
        return self.service

    @property
    def topic(self) -> str:
        """The topic this service publishes to."""
        return topic_for(self.topic_prefix, self.service)

    @property
    def dlq_topic(self) -> str:
        return f"{self.topic_prefix}.dlq.{self.service}"

    @property
    def group_id(self) -> str:
        return self.consumer_group or f"{self.topic_prefix}.{self.service}"

    @property
    def kafka_credentials(self) -> KafkaCredentials:
        """This service's Kafka principal (its own name unless ``kafka_username`` says)."""
        if self.kafka_security_protocol == "PLAINTEXT":
            return NO_CREDENTIALS
        return KafkaCredentials(
            username=self.kafka_username or self.service,
            password=self.kafka_password.get_secret_value() if self.kafka_password else "",
            mechanism=self.kafka_sasl_mechanism,
            security_protocol=self.kafka_security_protocol,
            ssl_cafile=str(self.kafka_ssl_cafile) if self.kafka_ssl_cafile else None,
        )

    @property
    def effective_bus_database_url(self) -> str:
        return self.bus_database_url or self.database_url


def topic_for(prefix: str, service: str) -> str:
    """``xuncha.<service>.v1``: one topic per producing service."""
    return f"{prefix}.{service}.v1"


def producer_of_topic(topic: str) -> str | None:
    """The service whose topic this is (the inverse of :func:`topic_for`), or None for a
    topic that is no producer's (a dead-letter topic, anything else)."""
    parts = topic.rsplit(".", 2)
    if len(parts) != 3 or parts[2] != "v1" or parts[1] == "dlq":
        return None
    return parts[1]

"""Who a Kafka client is: one SASL/SCRAM principal (a service, a partner agency or the
operator), and the options that make aiokafka and librdkafka sign in as it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

ScramMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256"]
SecurityProtocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"]

DEFAULT_MECHANISM: ScramMechanism = "SCRAM-SHA-512"


@dataclass(frozen=True)
class KafkaCredentials:
    """A principal's SCRAM sign-in and the listener's protocol.

    ``security_protocol="PLAINTEXT"`` signs in as no one (a broker without authentication);
    ``SASL_SSL`` also verifies the broker's certificate against ``ssl_cafile`` (the
    system's authorities without it) and that it names the host dialled: both client
    libraries check the host name (aiokafka's context always does; librdkafka is told).
    """

    username: str
    password: str
    mechanism: ScramMechanism = DEFAULT_MECHANISM
    security_protocol: SecurityProtocol = "SASL_PLAINTEXT"
    ssl_cafile: str | None = None

    @property
    def principal(self) -> str:
        """The principal ACLs name: ``User:<username>``."""
        return f"User:{self.username}"

    def signing_in_as(self, username: str, password: str) -> KafkaCredentials:
        """Another principal on the same listener: same mechanism, protocol and trusted
        authority (what the operator hands a service or a partner it creates)."""
        return replace(self, username=username, password=password)

    def aiokafka_options(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer and admin client."""
        if self.security_protocol == "PLAINTEXT":
            return {}
        options: dict[str, Any] = {
            "security_protocol": self.security_protocol,
            "sasl_mechanism": self.mechanism,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }
        if self.security_protocol == "SASL_SSL":
            from aiokafka.helpers import create_ssl_context

            options["ssl_context"] = create_ssl_context(cafile=self.ssl_cafile)
        return options

    def librdkafka_options(self) -> dict[str, str]:
        """Configuration entries for confluent-kafka (librdkafka) clients."""
        if self.security_protocol == "PLAINTEXT":
            return {}
        options = {
            "security.protocol": self.security_protocol.lower(),
            "sasl.mechanism": self.mechanism,
            "sasl.username": self.username,
            "sasl.password": self.password,
        }
        if self.security_protocol == "SASL_SSL":
            options["ssl.endpoint.identification.algorithm"] = "https"
            if self.ssl_cafile:
                options["ssl.ca.location"] = self.ssl_cafile
        return options

    def __repr__(self) -> str:
        return (
            f"KafkaCredentials(username={self.username!r}, password='**********', "
            f"mechanism={self.mechanism!r}, security_protocol={self.security_protocol!r}, "
            f"ssl_cafile={self.ssl_cafile!r})"
        )


NO_CREDENTIALS = KafkaCredentials(username="", password="", security_protocol="PLAINTEXT")
"""A client that signs in as no one (a broker without authentication)."""

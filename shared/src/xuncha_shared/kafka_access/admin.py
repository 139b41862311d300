"""Applies the access policy on a broker: SCRAM principals, ACLs, topics.

aiokafka can neither create SCRAM credentials nor ACLs, so this side speaks through
librdkafka (confluent-kafka). It signs in as the operator's super-user principal. Every call
is synchronous and bounded by ``timeout`` seconds; callers inside an event loop run it in a
thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Sequence
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin._acl import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
)
from confluent_kafka.admin._resource import ResourcePatternType, ResourceType
from confluent_kafka.admin._scram import (
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialUpsertion,
)
from confluent_kafka.cimpl import NewTopic

from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.policy import AclRule

__all__ = ["KafkaAccessAdmin", "new_password"]

SCRAM_ITERATIONS = 8192

_RESOURCES = {"topic": ResourceType.TOPIC, "group": ResourceType.GROUP}
_PATTERNS = {"literal": ResourcePatternType.LITERAL, "prefixed": ResourcePatternType.PREFIXED}
_OPERATIONS = {
    "read": AclOperation.READ,
    "write": AclOperation.WRITE,
    "describe": AclOperation.DESCRIBE,
    "create": AclOperation.CREATE,
}
_MECHANISMS = {
    "SCRAM-SHA-512": ScramMechanism.SCRAM_SHA_512,
    "SCRAM-SHA-256": ScramMechanism.SCRAM_SHA_256,
}


def new_password() -> str:
    """A random password for a new principal (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


class KafkaAccessAdmin:
    """The operator's hands on the cluster's principals, ACLs and topics."""

    def __init__(
        self, bootstrap_servers: str, operator: KafkaCredentials, *, timeout: float = 15.0
    ) -> None:
        self._timeout = timeout
        self.operator = operator
        """Who this admin signs in as; the principals it creates use the same listener."""
        self._client = AdminClient(
            {
                "bootstrap.servers": bootstrap_servers,
                "client.id": "xuncha-kafka-access",
                "log.connection.close": False,
                **operator.librdkafka_options(),
            }
        )

    # ------------------------------------------------------------------ principals

    def upsert_user(self, credentials: KafkaCredentials) -> None:
        """Create the SCRAM principal, or set its password when it exists; returns once the
        broker knows it (the controller commits first, the broker learns a moment later)."""
        upsertion = UserScramCredentialUpsertion(
            credentials.username,
            ScramCredentialInfo(_MECHANISMS[credentials.mechanism], SCRAM_ITERATIONS),
            credentials.password.encode(),
        )
        futures = self._client.alter_user_scram_credentials(
            [upsertion], request_timeout=self._timeout
        )
        self._wait(futures.values())
        deadline = time.monotonic() + self._timeout
        while not self.user_exists(credentials.username) and time.monotonic() < deadline:
            time.sleep(0.05)

    def user_exists(self, username: str) -> bool:
        """Whether a SCRAM principal of that name exists."""
        try:
            futures: Any = self._client.describe_user_scram_credentials(
                [username], request_timeout=self._timeout
            )
            description = futures[username].result(timeout=self._timeout)
        except KafkaException as exc:
            if _code(exc) == KafkaError.RESOURCE_NOT_FOUND:
                return False
            raise
        return bool(description and description.scram_credential_infos)

    # ------------------------------------------------------------------ ACLs

    def grant(self, principal: str, rules: Iterable[AclRule]) -> None:
        """Add ALLOW rules for ``principal`` (``User:<name>``); existing ones stay."""
        bindings = [_binding(principal, rule) for rule in rules]
        if bindings:
            self._wait(self._client.create_acls(bindings, request_timeout=self._timeout).values())

    def revoke(self, principal: str, rules: Iterable[AclRule]) -> None:
        """Remove exactly these ALLOW rules of ``principal``."""
        filters: list[Any] = [_binding(principal, rule, filter_=True) for rule in rules]
        if filters:
            self._wait(self._client.delete_acls(filters, request_timeout=self._timeout).values())

    def revoke_all(self, principal: str) -> None:
        """Remove every rule of ``principal``."""
        any_filter = _any_filter(principal, AclPermissionType.ANY)
        self._wait(self._client.delete_acls([any_filter], request_timeout=self._timeout).values())

    def rules_of(self, principal: str) -> list[AclRule]:
        """The ALLOW rules ``principal`` holds, sorted."""
        any_filter = _any_filter(principal, AclPermissionType.ALLOW)
        future = self._client.describe_acls(any_filter, request_timeout=self._timeout)
        bindings: list[AclBinding] = future.result(timeout=self._timeout)
        resources: dict[Any, Any] = {v: k for k, v in _RESOURCES.items()}
        patterns: dict[Any, Any] = {v: k for k, v in _PATTERNS.items()}
        operations: dict[Any, Any] = {v: k for k, v in _OPERATIONS.items()}
        return sorted(
            AclRule(
                resources[b.restype],
                b.name,
                patterns[b.resource_pattern_type],
                operations[b.operation],
            )
            for b in bindings
            if b.restype in resources and b.operation in operations
        )

    # ------------------------------------------------------------------ topics

    def ensure_topics(
        self, topics: Sequence[str], *, partitions: int = 3, replication_factor: int = 1
    ) -> None:
        """Create the topics that do not exist yet."""
        existing = set(self._client.list_topics(timeout=self._timeout).topics)
        missing = [
            NewTopic(t, num_partitions=partitions, replication_factor=replication_factor)
            for t in topics
            if t not in existing
        ]
        if not missing:
            return
        futures = self._client.create_topics(missing, request_timeout=self._timeout)
        for future in futures.values():
            try:
                future.result(timeout=self._timeout)
            except KafkaException as exc:
                if _code(exc) != KafkaError.TOPIC_ALREADY_EXISTS:
                    raise

    def _wait(self, futures: Iterable[Any]) -> None:
        for future in futures:
            future.result(timeout=self._timeout)


def _any_filter(principal: str, permission: AclPermissionType) -> Any:
    none: Any = None  # librdkafka's "any name", "any host"
    return AclBindingFilter(
        ResourceType.ANY,
        none,
        ResourcePatternType.ANY,
        principal,
        none,
        AclOperation.ANY,
        permission,
    )


def _binding(principal: str, rule: AclRule, *, filter_: bool = False) -> AclBinding:
    cls = AclBindingFilter if filter_ else AclBinding
    binding: AclBinding = cls(
        _RESOURCES[rule.resource],
        rule.name,
        _PATTERNS[rule.pattern],
        principal,
        "*",
        _OPERATIONS[rule.operation],
        AclPermissionType.ALLOW,
    )
    return binding


def _code(exc: KafkaException) -> object:
    error = exc.args[0] if exc.args else None
    return error.code() if isinstance(error, KafkaError) else None

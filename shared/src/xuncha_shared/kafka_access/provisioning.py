"""Setting up a cluster's access in one go: every topic, one principal per service with its
ACLs. Run by the operator's command (``python -m xuncha.kafka services``) and by the test
harness, so the tests run under the rules a deployment gets."""

from __future__ import annotations

from collections.abc import Mapping

from xuncha_shared.kafka_access.admin import KafkaAccessAdmin
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.policy import service_acl_rules, service_topics
from xuncha_shared.settings import SERVICES

__all__ = ["provision_services"]


def provision_services(
    admin: KafkaAccessAdmin,
    prefix: str,
    passwords: Mapping[str, str],
    *,
    partitions: int = 3,
    replication_factor: int = 1,
    groups: Mapping[str, str] | None = None,
) -> dict[str, KafkaCredentials]:
    """Create the topics under ``prefix``, each service's principal (named after the
    service, with ``passwords[service]``) and its ACLs; returns the services' credentials
    (on the operator's listener: SASL_SSL and the authority when the operator's are).
    Idempotent: passwords are set again, existing topics and rules stay."""
    admin.ensure_topics(
        service_topics(prefix), partitions=partitions, replication_factor=replication_factor
    )
    credentials: dict[str, KafkaCredentials] = {}
    for service in SERVICES:
        creds = admin.operator.signing_in_as(service, passwords[service])
        admin.upsert_user(creds)
        group = (groups or {}).get(service)
        admin.grant(creds.principal, service_acl_rules(prefix, service, group=group))
        credentials[service] = creds
    return credentials

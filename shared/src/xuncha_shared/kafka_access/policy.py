"""Who may do what on the Kafka cluster: the access rules, as data.

- A service writes only its own topic (``<prefix>.<service>.v1``) and its dead-letter topic
  (``<prefix>.dlq.<service>``), reads only the topics of the producers it consumes, and
  only in its own consumer group (and the groups named after it, such as the dead-letter
  replay's ``<group>.dlq-replay``).
- A partner agency reads only the topics it was granted, in groups named after it
  (``partner-<name>.<anything>``); the clues topic only when granted by name.
- Nobody else reads or writes anything: the broker denies what no rule allows
  (``allow.everyone.if.no.acl.found=false``); the operator's principal is a super-user.

Rules are computed here and applied by :mod:`xuncha_shared.kafka_access.admin`, so the
policy can be read and tested without a broker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from xuncha_shared.settings import SERVICES, topic_for

ResourceKind = Literal["topic", "group"]
PatternKind = Literal["literal", "prefixed"]
Operation = Literal["read", "write", "describe", "create"]

PRODUCING_SERVICES = ("planning", "findings", "clues", "rectification", "accounts")
"""The services that publish a topic (notify only consumes)."""

SERVICE_CONSUMES: dict[str, frozenset[str]] = {
    "planning": frozenset({"findings", "clues", "rectification"}),
    "findings": frozenset({"planning", "clues"}),
    "clues": frozenset({"planning", "findings"}),
    "rectification": frozenset({"planning", "findings"}),
    "notify": frozenset({"planning", "findings", "clues", "rectification", "accounts"}),
    "accounts": frozenset({"planning"}),
}
"""Whose topics each service reads: its handlers' producers (a test keeps the two equal, so
a new handler on a new producer fails the suite until its read is granted here)."""

CONFIDENTIAL_TOPIC_SERVICES = frozenset({"clues"})
"""Producers whose topic a partner gets only when it is granted by name, never by ``--all``."""

PARTNER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")


class AccessPolicyError(ValueError):
    """A name or topic the access policy does not allow."""


@dataclass(frozen=True, order=True)
class AclRule:
    """One ALLOW rule for one principal on one resource (a topic or a consumer group)."""

    resource: ResourceKind
    name: str
    pattern: PatternKind
    operation: Operation


def service_topics(prefix: str) -> list[str]:
    """Every topic of the platform: the published ones and the dead-letter ones."""
    return [topic_for(prefix, s) for s in PRODUCING_SERVICES] + [
        dlq_topic_for(prefix, s) for s in SERVICES
    ]


def dlq_topic_for(prefix: str, service: str) -> str:
    """``<prefix>.dlq.<service>``: where a service's consumer puts what it cannot apply."""
    return f"{prefix}.dlq.{service}"


def service_group_for(prefix: str, service: str) -> str:
    """A service's consumer group when its settings name none."""
    return f"{prefix}.{service}"


def service_acl_rules(
    prefix: str,
    service: str,
    *,
    consumes: Iterable[str] | None = None,
    group: str | None = None,
) -> list[AclRule]:
    """The rules of one service's principal: write its own topic and dead-letter topic, read
    what it consumes (:data:`SERVICE_CONSUMES` unless given), in its own group."""
    if service not in SERVICES:
        raise AccessPolicyError(f"unknown service {service!r}")
    consumes = SERVICE_CONSUMES[service] if consumes is None else consumes
    own = [topic_for(prefix, service)] if service in PRODUCING_SERVICES else []
    rules: list[AclRule] = []
    writes: tuple[Operation, ...] = ("write", "describe", "create")
    for topic in [*own, dlq_topic_for(prefix, service)]:
        rules += [AclRule("topic", topic, "literal", operation) for operation in writes]
    # The dead-letter replay reads the service's own dead letters back.
    rules.append(AclRule("topic", dlq_topic_for(prefix, service), "literal", "read"))
    for producer in sorted(set(consumes)):
        if producer not in PRODUCING_SERVICES:
            raise AccessPolicyError(f"{service} consumes {producer!r}, which publishes nothing")
        rules.append(AclRule("topic", topic_for(prefix, producer), "literal", "read"))
        rules.append(AclRule("topic", topic_for(prefix, producer), "literal", "describe"))
    group = group or service_group_for(prefix, service)
    rules.append(AclRule("group", group, "literal", "read"))
    rules.append(AclRule("group", f"{group}.", "prefixed", "read"))
    return sorted(rules)


def partner_username(name: str) -> str:
    """A partner agency's principal: ``partner-<name>`` (lower-case letters, digits, ``-``)."""
    if not PARTNER_NAME.fullmatch(name):
        raise AccessPolicyError(
            f"partner name {name!r}: 3-40 lower-case letters, digits and '-' "
            "(not at either end) / 合作单位名称只能用小写字母、数字和连字符"
        )
    return f"partner-{name}"


def partner_group_prefix(name: str) -> str:
    """A partner reads in consumer groups named ``partner-<name>.<anything>``."""
    return f"{partner_username(name)}."


def partner_topic(prefix: str, topic_or_service: str) -> str:
    """A grantable topic, given as a producing service (``planning``) or as a topic name
    (``xuncha.planning.v1``). Dead-letter topics and unknown topics are refused."""
    if topic_or_service in PRODUCING_SERVICES:
        return topic_for(prefix, topic_or_service)
    published = {topic_for(prefix, s) for s in PRODUCING_SERVICES}
    if topic_or_service in published:
        return topic_or_service
    raise AccessPolicyError(
        f"{topic_or_service!r} is not a published topic; grantable: "
        f"{', '.join(sorted(published))} / 只能授权已发布的主题"
    )


def partner_default_topics(prefix: str) -> list[str]:
    """What ``--all`` grants a partner: every published topic except the confidential ones
    (clues), which are granted only by name."""
    return [
        topic_for(prefix, s) for s in PRODUCING_SERVICES if s not in CONFIDENTIAL_TOPIC_SERVICES
    ]


def partner_topic_rules(topic: str) -> list[AclRule]:
    """A partner's rules on one granted topic: read and describe, nothing else."""
    return [
        AclRule("topic", topic, "literal", "read"),
        AclRule("topic", topic, "literal", "describe"),
    ]


def partner_group_rules(name: str) -> list[AclRule]:
    """A partner's consumer groups: those named after it."""
    return [AclRule("group", partner_group_prefix(name), "prefixed", "read")]

"""A partner agency's onboarding: its principal, and the topics it may read.

A partner (纪委监委、组织部 or another agency's system) gets one SCRAM principal,
``partner-<name>``, and reads only the topics granted to it, in consumer groups named
``partner-<name>.<anything>``. It writes nothing. The clues topic is granted only by name,
never by "every published topic".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xuncha_shared.kafka_access.admin import KafkaAccessAdmin, new_password
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.policy import (
    AclRule,
    partner_group_prefix,
    partner_group_rules,
    partner_topic,
    partner_topic_rules,
    partner_username,
)

__all__ = ["PartnerAccess", "add_partner", "grant_partner", "revoke_partner", "show_partner"]


@dataclass(frozen=True)
class PartnerAccess:
    """What a partner may do: its principal, its group prefix and the topics it reads."""

    name: str
    username: str
    exists: bool
    group_prefix: str
    topics: tuple[str, ...]


def add_partner(
    admin: KafkaAccessAdmin, name: str, password: str | None = None
) -> KafkaCredentials:
    """Create (or re-key) the partner's principal; it may read nothing until granted."""
    credentials = admin.operator.signing_in_as(partner_username(name), password or new_password())
    admin.upsert_user(credentials)
    admin.grant(credentials.principal, partner_group_rules(name))
    return credentials


def grant_partner(
    admin: KafkaAccessAdmin, prefix: str, name: str, topics: Iterable[str]
) -> list[str]:
    """Let the partner read these topics (services' names or topic names); returns the
    topic names granted."""
    names = sorted({partner_topic(prefix, t) for t in topics})
    rules: list[AclRule] = [rule for topic in names for rule in partner_topic_rules(topic)]
    admin.grant(f"User:{partner_username(name)}", rules)
    return names


def revoke_partner(
    admin: KafkaAccessAdmin, prefix: str, name: str, topics: Iterable[str] | None = None
) -> None:
    """Take back these topics, or, without topics, everything the partner holds (its
    principal stays and can sign in, but reads nothing)."""
    principal = f"User:{partner_username(name)}"
    if topics is None:
        admin.revoke_all(principal)
        return
    names = {partner_topic(prefix, t) for t in topics}
    admin.revoke(principal, [rule for topic in names for rule in partner_topic_rules(topic)])


def show_partner(admin: KafkaAccessAdmin, name: str) -> PartnerAccess:
    """The partner's principal and the topics it may read now."""
    username = partner_username(name)
    rules = admin.rules_of(f"User:{username}")
    topics = tuple(
        sorted({r.name for r in rules if r.resource == "topic" and r.operation == "read"})
    )
    return PartnerAccess(
        name=name,
        username=username,
        exists=admin.user_exists(username),
        group_prefix=partner_group_prefix(name),
        topics=topics,
    )

"""Kafka access on the real broker (SASL/SCRAM, KRaft ACLs): a partner agency reads the
topics it was granted and is refused the others and the clues topic; a service's principal
writes its own topic and is refused another service's."""

from __future__ import annotations

import asyncio
import importlib
import secrets
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError
from typer.testing import CliRunner
from xuncha_shared.bus.base import BusMessage, BusUnavailable
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.kafka_access.admin import KafkaAccessAdmin
from xuncha_shared.kafka_access.credentials import KafkaCredentials
from xuncha_shared.kafka_access.partners import add_partner, show_partner
from xuncha_shared.kafka_access.policy import (
    SERVICE_CONSUMES,
    AccessPolicyError,
    partner_default_topics,
    partner_topic,
)
from xuncha_shared.settings import SERVICES, topic_for
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker

from xuncha.kafka.cli import app

pytestmark = [pytest.mark.kafka, pytest.mark.timeout(240)]


def test_each_service_is_granted_exactly_the_producers_its_handlers_consume() -> None:
    for service in SERVICES:
        spec = importlib.import_module(f"{service}.app").spec()
        assert set(SERVICE_CONSUMES[service]) == spec.handlers.topics_from, service


def test_clues_topic_is_granted_only_by_name() -> None:
    assert topic_for("xuncha", "clues") not in partner_default_topics("xuncha")
    assert partner_topic("xuncha", "clues") == "xuncha.clues.v1"
    for refused in ("xuncha.dlq.clues", "other.planning.v1", "notify", "../x"):
        with pytest.raises(AccessPolicyError):
            partner_topic("xuncha", refused)


async def _read_one(broker: KafkaBroker, creds: KafkaCredentials, group: str, topic: str) -> Any:
    """The first record of ``topic`` read as ``creds``, or the Kafka error refusing it."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker.bootstrap_servers,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        request_timeout_ms=10_000,
        **creds.aiokafka_options(),
    )
    try:
        await consumer.start()
        async with asyncio.timeout(30):
            while True:
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    return records[0].value
    except KafkaError as exc:
        return exc
    finally:
        await consumer.stop()


def _cli(broker: KafkaBroker, prefix: str, *args: str) -> str:
    env = {
        "XUNCHA_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "XUNCHA_KAFKA_OPERATOR_USERNAME": broker.operator_credentials.username,
        "XUNCHA_KAFKA_OPERATOR_PASSWORD": broker.operator_credentials.password,
        "XUNCHA_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "XUNCHA_KAFKA_SSL_CAFILE": str(broker.ca_file),
        "XUNCHA_TOPIC_PREFIX": prefix,
    }
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


async def test_partner_reads_only_granted_topics_and_clues_only_by_name(
    kafka_broker: KafkaBroker, kafka_service_access: dict[str, KafkaCredentials], topic_prefix: str
) -> None:
    operator = KafkaBus(
        kafka_broker.bootstrap_servers, credentials=kafka_broker.operator_credentials
    )
    published = ("planning", "findings", "clues")
    await operator.publish(
        [BusMessage(topic=topic_for(topic_prefix, s), key="k", value=s.encode()) for s in published]
    )
    await operator.stop()
    name = f"jw{secrets.token_hex(3)}"
    admin = KafkaAccessAdmin(kafka_broker.bootstrap_servers, kafka_broker.operator_credentials)
    partner = await asyncio.to_thread(add_partner, admin, name)
    assert partner.username == f"partner-{name}"

    # Onboarding by the documented command: every published topic but clues.
    output = await asyncio.to_thread(
        _cli, kafka_broker, topic_prefix, "partner", "grant", name, "--all"
    )
    assert topic_for(topic_prefix, "clues") not in output
    group = f"partner-{name}.reader"
    assert await _read_one(kafka_broker, partner, group, topic_for(topic_prefix, "planning")) == (
        b"planning"
    )
    refused = await _read_one(kafka_broker, partner, group, topic_for(topic_prefix, "clues"))
    assert isinstance(refused, TopicAuthorizationFailedError), refused
    # Another consumer group than its own is refused too.
    other = await _read_one(
        kafka_broker, partner, "someone-else", topic_for(topic_prefix, "planning")
    )
    assert isinstance(other, KafkaError), other

    # Revoke findings: refused from then on; show lists what is left.
    await asyncio.to_thread(_cli, kafka_broker, topic_prefix, "partner", "revoke", name, "findings")
    refused = await _read_one(kafka_broker, partner, group, topic_for(topic_prefix, "findings"))
    assert isinstance(refused, TopicAuthorizationFailedError), refused
    shown = await asyncio.to_thread(_cli, kafka_broker, topic_prefix, "partner", "show", name)
    assert topic_for(topic_prefix, "planning") in shown
    assert topic_for(topic_prefix, "findings") not in shown
    assert topic_for(topic_prefix, "clues") not in shown

    # The clues topic, granted by name, is readable.
    await asyncio.to_thread(_cli, kafka_broker, topic_prefix, "partner", "grant", name, "clues")
    assert await _read_one(kafka_broker, partner, group, topic_for(topic_prefix, "clues")) == (
        b"clues"
    )
    access = await asyncio.to_thread(show_partner, admin, name)
    assert access.exists and topic_for(topic_prefix, "clues") in access.topics

    # A partner writes nothing, not even a topic it reads.
    as_partner = KafkaBus(
        kafka_broker.bootstrap_servers, credentials=partner, request_timeout_ms=5_000
    )
    with pytest.raises(BusUnavailable):
        await as_partner.publish(
            [BusMessage(topic=topic_for(topic_prefix, "planning"), key="k", value=b"forged")]
        )
    await as_partner.stop()
    await asyncio.to_thread(_cli, kafka_broker, topic_prefix, "partner", "revoke", name)


async def test_service_writes_its_own_topic_and_not_another_services(
    kafka_broker: KafkaBroker, kafka_service_access: dict[str, KafkaCredentials], topic_prefix: str
) -> None:
    findings = KafkaBus(
        kafka_broker.bootstrap_servers,
        credentials=kafka_service_access["findings"],
        request_timeout_ms=5_000,
    )
    try:
        await findings.publish(
            [BusMessage(topic=topic_for(topic_prefix, "findings"), key="k", value=b"own")]
        )
        with pytest.raises(BusUnavailable) as refused:
            await findings.publish(
                [BusMessage(topic=topic_for(topic_prefix, "planning"), key="k", value=b"forged")]
            )
        assert isinstance(refused.value.__cause__, TopicAuthorizationFailedError)
    finally:
        await findings.stop()
    # It reads what it consumes (planning's topic) in its own group, and not notify's
    # inputs it does not consume (rectification's).
    creds = kafka_service_access["findings"]
    group = f"{topic_prefix}.findings"
    read = await _read_one(kafka_broker, creds, group, topic_for(topic_prefix, "rectification"))
    assert isinstance(read, TopicAuthorizationFailedError), read

"""End-to-end check of the local Kafka broker used by the test suite.

Resolves the jars, starts a real single-node KRaft broker, round-trips messages through an
idempotent aiokafka producer and a manually committing consumer group, then proves the
same clients carry on across a graceful ``restart()`` and across ``kill()`` + ``start()``.

Run alone with::

    uv run --no-sync pytest -p no:cacheprovider -o addopts="" shared/tests/test_kafka_broker.py -s
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition
from xuncha_shared.testing.kafka_broker.broker import KafkaBroker
from xuncha_shared.testing.kafka_broker.jars import default_lib_dir, ensure_jars

pytestmark = [
    pytest.mark.kafka,
    pytest.mark.skipif(
        shutil.which("java") is None or shutil.which("mvn") is None,
        reason="needs java (JDK 17+) and mvn on PATH",
    ),
]

TOPIC = "xuncha.test.kafka-broker"
GROUP = "xuncha-test-kafka-broker"
TP = TopicPartition(TOPIC, 0)


def _producer(broker: KafkaBroker) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=broker.bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        **broker.operator_credentials.aiokafka_options(),
    )


def _consumer(broker: KafkaBroker) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=broker.bootstrap_servers,
        group_id=GROUP,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **broker.operator_credentials.aiokafka_options(),
    )


async def _send(producer: AIOKafkaProducer, values: list[bytes]) -> None:
    async with asyncio.timeout(60):
        for value in values:
            await producer.send_and_wait(TOPIC, value, key=b"k")


async def _receive(consumer: AIOKafkaConsumer, count: int) -> list[bytes]:
    """Read exactly ``count`` messages (fail on timeout or surplus), then commit them."""
    received: list[bytes] = []
    async with asyncio.timeout(60):
        while len(received) < count:
            batches = await consumer.getmany(timeout_ms=500)
            for messages in batches.values():
                received.extend(m.value for m in messages if m.value is not None)
        surplus = await consumer.getmany(timeout_ms=300)
        assert not any(surplus.values()), f"unexpected extra messages: {surplus}"
        await consumer.commit()
    return received


async def test_broker_roundtrip_restart_and_crash(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # aiokafka logs an ERROR roughly every retry_backoff_ms (100 ms) per client while the
    # broker is down; keep the captured log readable.
    caplog.set_level(logging.CRITICAL, logger="aiokafka")
    timings: dict[str, float] = {}

    began = time.monotonic()
    lib_dir = default_lib_dir()
    await asyncio.to_thread(ensure_jars, lib_dir)
    timings["ensure_jars"] = time.monotonic() - began
    assert list(lib_dir.glob("kafka_2.13-4.*.jar"))

    broker = KafkaBroker(tmp_path / "kafka")
    # Broker operations block for seconds: run them in a thread so the clients' background
    # tasks keep running (and observe the outage) like they would in a real service.
    await asyncio.to_thread(broker.start)
    try:
        timings["start"] = broker.last_start_seconds or 0.0
        assert broker.is_running
        assert broker.bootstrap_servers == f"127.0.0.1:{broker.port}"

        producer = _producer(broker)
        consumer = _consumer(broker)
        await producer.start()
        await consumer.start()
        try:
            first = [f"first-{i}".encode() for i in range(5)]
            await _send(producer, first)
            assert await _receive(consumer, 5) == first

            # Graceful restart: same ports and data dir; the same client objects reconnect.
            began = time.monotonic()
            await asyncio.to_thread(broker.restart)
            timings["restart"] = time.monotonic() - began
            second = [f"second-{i}".encode() for i in range(5)]
            await _send(producer, second)
            assert await _receive(consumer, 5) == second
            assert await consumer.committed(TP) == 10

            # Crash: SIGKILL, then start again. A send issued while the broker is down is
            # retried by the idempotent producer (it never expires batches) and lands once.
            await asyncio.to_thread(broker.kill)
            assert not broker.is_running
            pending = asyncio.ensure_future(_send(producer, [b"sent-while-down"]))
            await asyncio.sleep(1)
            assert not pending.done()
            began = time.monotonic()
            await asyncio.to_thread(broker.start)
            timings["start_after_kill"] = time.monotonic() - began
            await pending
            third = [f"third-{i}".encode() for i in range(5)]
            await _send(producer, third)
            assert await _receive(consumer, 6) == [b"sent-while-down", *third]
            assert await consumer.committed(TP) == 16
        finally:
            await consumer.stop()
            await producer.stop()

        # A fresh client setup in the same group resumes after the committed offset.
        producer = _producer(broker)
        consumer = _consumer(broker)
        await producer.start()
        await consumer.start()
        try:
            await _send(producer, [b"fresh"])
            assert await _receive(consumer, 1) == [b"fresh"]
        finally:
            await consumer.stop()
            await producer.stop()
    finally:
        began = time.monotonic()
        await asyncio.to_thread(broker.stop)
        timings["stop"] = time.monotonic() - began
    assert not broker.is_running

    print("\nkafka broker timings (s): " + ", ".join(f"{k}={v:.2f}" for k, v in timings.items()))

"""A consumer used by the bus contract suite, runnable as its own process so a test can
SIGKILL it in the middle of a batch.

Its handler records each org event it applies in ``contract.effects`` (with the inbox row,
in one transaction) and fails on purpose for orgs listed in ``contract.poison``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from xuncha_shared.bus.base import Bus, Subscription
from xuncha_shared.bus.kafka import KafkaBus
from xuncha_shared.bus.postgres import PostgresBus
from xuncha_shared.clock import SystemClock
from xuncha_shared.consumer import EventConsumer, EventMeta, HandlerRegistry
from xuncha_shared.db import create_engine, create_sessionmaker
from xuncha_shared.events.planning import OrgRegistered, OrgSnapshot, OrgUpdated
from xuncha_shared.kafka_access.credentials import NO_CREDENTIALS, KafkaCredentials
from xuncha_shared.messaging import OUTBOX_INFO_KEY, OutboxContext, messaging_tables
from xuncha_shared.observability import Metrics
from xuncha_shared.orgs import OrgKind

SCHEMA = "contract"
KAFKA_PASSWORD_ENV = "XUNCHA_CONTRACT_KAFKA_PASSWORD"
"""The worker's Kafka password comes from the environment, not the command line."""
metadata = MetaData(schema=SCHEMA)
TABLES = messaging_tables(metadata)
EFFECTS = Table(
    "effects",
    metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("org_id", UUID(as_uuid=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", DateTime(timezone=True), server_default=func.now(), nullable=False),
)
POISON = Table("poison", metadata, Column("org_id", UUID(as_uuid=True), primary_key=True))


class DeliberateFailure(Exception):
    """Raised by the handler for orgs marked as poison."""


async def create_schema(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
        await conn.run_sync(metadata.create_all)


def contract_handlers(delay: float = 0.0) -> HandlerRegistry:
    handlers = HandlerRegistry()

    @handlers.on(OrgRegistered, OrgUpdated)
    async def record(session: AsyncSession, event: OrgSnapshot, meta: EventMeta) -> None:
        """Record the effect; fail for poisoned orgs; optionally slow, to be killed mid-batch
        (a slow worker handles one event at a time, so the kill lands between two)."""
        poisoned = await session.scalar(
            POISON.select().where(POISON.c.org_id == event.org_id).with_only_columns(func.count())
        )
        if poisoned:
            raise DeliberateFailure(f"org {event.org_id} is marked as poison")
        await session.execute(
            EFFECTS.insert().values(
                event_id=meta.event_id, org_id=event.org_id, version=event.version
            )
        )
        if delay:
            await asyncio.sleep(delay)

    if not delay:

        @handlers.on_batch(OrgRegistered, OrgUpdated)
        async def record_many(
            session: AsyncSession, events: Sequence[tuple[OrgSnapshot, EventMeta]]
        ) -> None:
            """The same effects as ``record`` for several events, in two statements."""
            poisoned = await session.scalar(
                POISON.select()
                .where(POISON.c.org_id.in_({e.org_id for e, _ in events}))
                .with_only_columns(func.count())
            )
            if poisoned:
                raise DeliberateFailure("a poisoned org is among the batch's events")
            await session.execute(
                EFFECTS.insert().values(
                    [
                        {"event_id": meta.event_id, "org_id": e.org_id, "version": e.version}
                        for e, meta in events
                    ]
                )
            )

    return handlers


class OffsetsHeldConsumer(EventConsumer):
    """A consumer that waits between its database commit and its offset commit, so a test
    can kill it exactly there: the batch is applied but will be delivered again."""

    def __init__(self, *, hold_offsets_seconds: float, **kw: Any) -> None:
        super().__init__(**kw)
        self._hold = hold_offsets_seconds

    async def run_once(self, subscription: Subscription) -> int:
        deliveries = await subscription.fetch(max_records=self._batch_size, timeout=self._poll)
        await self.process_batch(deliveries)
        if deliveries:
            await asyncio.sleep(self._hold)
        await subscription.commit(deliveries)
        return len(deliveries)


def build_consumer(
    *,
    engine: AsyncEngine,
    bus: Bus,
    topic: str,
    group: str,
    dlq_topic: str,
    delay: float = 0.0,
    max_attempts: int = 3,
    batch_size: int = 50,
    also_topics: Sequence[str] = (),
    hold_offsets_seconds: float = 0.0,
) -> EventConsumer:
    clock = SystemClock()
    sessionmaker = create_sessionmaker(
        engine, **{OUTBOX_INFO_KEY: OutboxContext(tables=TABLES, topic=topic, clock=clock)}
    )
    options: dict[str, Any] = {}
    cls: type[EventConsumer] = EventConsumer
    if hold_offsets_seconds:
        cls, options = OffsetsHeldConsumer, {"hold_offsets_seconds": hold_offsets_seconds}
    return cls(
        **options,
        name="contract",
        bus=bus,
        sessionmaker=sessionmaker,
        tables=TABLES,
        handlers=contract_handlers(delay),
        topics=[topic, *also_topics],
        group=group,
        dlq_topic=dlq_topic,
        clock=clock,
        metrics=Metrics.create(),
        max_attempts=max_attempts,
        backoff_seconds=0.01,
        backoff_max_seconds=0.05,
        batch_size=batch_size,
        poll_seconds=0.2,
        # With its batch handler a fetch costs a few statements and a commit: one lane (one
        # commit per fetch) is faster than four. Slowed, it handles events one by one, and
        # lanes let those round trips overlap.
        lanes=4 if delay else 1,
    )


def snapshot(org_id: uuid.UUID, version: int) -> OrgSnapshot:
    cls = OrgRegistered if version == 1 else OrgUpdated
    return cls(
        jurisdiction="410825",
        org_id=org_id,
        code=f"C{str(org_id)[:8]}",
        name=f"组织{version}",
        kind=OrgKind.township,
        version=version,
    )


async def _main(args: argparse.Namespace) -> None:
    engine = create_engine(args.database_url, pool_size=2)
    bus: Bus = (
        KafkaBus(
            args.bootstrap,
            request_timeout_ms=5000,
            credentials=KafkaCredentials(
                username=args.kafka_username,
                password=os.environ.get(KAFKA_PASSWORD_ENV, ""),
                security_protocol="SASL_SSL" if args.kafka_ssl_cafile else "SASL_PLAINTEXT",
                ssl_cafile=args.kafka_ssl_cafile or None,
            )
            if args.kafka_username
            else NO_CREDENTIALS,
        )
        if args.backend == "kafka"
        else PostgresBus(args.bus_database_url or args.database_url)
    )
    await bus.start()
    consumer = build_consumer(
        engine=engine,
        bus=bus,
        topic=args.topic,
        group=args.group,
        dlq_topic=args.dlq_topic,
        delay=args.delay,
        batch_size=args.batch_size,
        hold_offsets_seconds=args.hold_offsets_seconds,
    )
    await consumer.run()


def main() -> None:
    parser = argparse.ArgumentParser(description="Contract-suite consumer")
    parser.add_argument("--backend", choices=["postgres", "kafka"], required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--bus-database-url", default="")
    parser.add_argument("--bootstrap", default="")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--dlq-topic", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument(
        "--hold-offsets-seconds",
        type=float,
        default=0.0,
        help="wait this long after each batch's database commit before committing offsets",
    )
    parser.add_argument("--kafka-username", default="", help=f"password in ${KAFKA_PASSWORD_ENV}")
    parser.add_argument(
        "--kafka-ssl-cafile", default="", help="the broker's CA: SASL_SSL (else SASL_PLAINTEXT)"
    )
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()

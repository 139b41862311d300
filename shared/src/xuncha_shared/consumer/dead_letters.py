"""Dead letters: messages that failed every attempt, kept on the service's dead-letter
topic with the error, and handed to the consumer again once the cause is fixed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from xuncha_shared.bus.base import Bus, BusMessage
from xuncha_shared.consumer.poison import PoisonMessage

if TYPE_CHECKING:
    from xuncha_shared.consumer.loop import EventConsumer

log = logging.getLogger("xuncha_shared.consumer")


@dataclass(frozen=True)
class DeadLetter:
    """A message that failed every attempt, as kept on the dead-letter topic."""

    original_topic: str
    key: str
    value: bytes
    error: str
    attempts: int
    consumer: str
    failed_at: datetime

    def to_message(self, dlq_topic: str) -> BusMessage:
        return BusMessage(
            topic=dlq_topic,
            key=self.key,
            value=self.value,
            headers=(
                ("x-original-topic", self.original_topic.encode()),
                ("x-error", self.error.encode()),
                ("x-attempts", str(self.attempts).encode()),
                ("x-consumer", self.consumer.encode()),
                ("x-failed-at", self.failed_at.isoformat().encode()),
            ),
        )

    @classmethod
    def from_message(cls, message: BusMessage) -> DeadLetter:
        h = {k: v.decode() for k, v in message.headers}
        return cls(
            original_topic=h.get("x-original-topic", ""),
            key=message.key,
            value=message.value,
            error=h.get("x-error", ""),
            attempts=int(h.get("x-attempts", "0")),
            consumer=h.get("x-consumer", ""),
            failed_at=datetime.fromisoformat(h["x-failed-at"])
            if "x-failed-at" in h
            else datetime.min.replace(tzinfo=UTC),
        )


def describe_error(exc: BaseException) -> str:
    """What goes on a dead letter: the error's class and its message, shortened. Handlers
    never put confidential data in exception messages."""
    return f"{type(exc).__name__}: {str(exc)[:500]}"


async def replay_dead_letters(
    consumer: EventConsumer,
    bus: Bus,
    *,
    dlq_topic: str,
    group: str,
    limit: int | None = None,
    idle_seconds: float = 10.0,
) -> tuple[int, int]:
    """Hand dead letters to the consumer again (after the cause is fixed), in order.

    Passes over letters that can never apply (not a CloudEvent, rejected by the catalog),
    stops at the first one whose handler fails again and leaves it and later ones in place, or when
    nothing has arrived for ``idle_seconds`` (joining a Kafka group takes a few seconds, so
    an empty first poll does not mean an empty topic). Returns ``(replayed, failed)``:
    failed counts the letters passed over plus the one it stopped on.
    """
    subscription = bus.subscribe(group=group, topics=[dlq_topic])
    await bus.ensure_topics([dlq_topic])
    await subscription.start()
    replayed = unreplayable = 0
    try:
        while limit is None or replayed < limit:
            deliveries = await subscription.fetch(max_records=1, timeout=idle_seconds)
            if not deliveries:
                return replayed, 0
            delivery = deliveries[0]
            letter = DeadLetter.from_message(delivery.message)
            try:
                await consumer.apply(letter.value, topic=letter.original_topic)
            except PoisonMessage as exc:
                # It can never apply: pass over it (it stays on the topic for inspection).
                log.error("dead letter cannot be replayed", extra={"error": describe_error(exc)})
                unreplayable += 1
            except Exception as exc:
                log.error("replay failed", extra={"error": describe_error(exc)})
                return replayed, unreplayable + 1
            else:
                replayed += 1
            await subscription.commit([delivery])
        return replayed, unreplayable
    finally:
        await subscription.stop()

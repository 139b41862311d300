"""What makes a message poison, and which handler failures are worth another try."""

from __future__ import annotations

from xuncha_shared.settings import producer_of_topic


class PoisonMessage(Exception):
    """A message that can never be handled (not a CloudEvent, or data the catalog rejects)."""


class ForgedEvent(PoisonMessage):
    """An event on a topic its type's producer does not publish: whoever wrote it there is
    not that producer, so it is dead-lettered and never applied."""


def handler_error_is_retried(exc: BaseException) -> bool:
    """The rule "a handler failure is retried, a cancellation never is".

    Only an ``Exception`` a handler raised may be passing (a deadlock, a lost connection),
    and never a :class:`PoisonMessage`. A ``CancelledError`` (the consumer's task being
    stopped) or any other ``BaseException`` must end the consumer: tenacity's attempt
    swallows whatever its block raises, so retrying it would turn a stop into a retry and
    leave the consumer reading on for ever.
    """
    return isinstance(exc, Exception) and not isinstance(exc, PoisonMessage)


def event_type_producer(type_: str) -> str:
    """The service that produces an event type: its second segment
    (``xuncha.planning.group.membership_changed.v1`` → ``planning``)."""
    parts = type_.split(".")
    return parts[1] if len(parts) > 2 else ""


def check_event_from_its_producer_topic(type_: str, topic: str) -> None:
    """The rule "an event type is accepted only from its producer's topic".

    Each service writes only its own topic (the broker's ACLs enforce it), so the topic is
    the one thing about a message its writer cannot choose; the type and the ``source`` in
    the envelope are whatever the writer typed. A ``group.membership_changed`` read from
    any topic but planning's is therefore a forgery.

    Raises:
        ForgedEvent: the type's producer is not the topic's.
    """
    producer, topic_producer = event_type_producer(type_), producer_of_topic(topic)
    if producer != topic_producer:
        raise ForgedEvent(
            f"event type {type_[:120]!r} is produced by {producer or 'no service'!r} "
            f"and accepted only from its topic, not from {topic[:120]!r}"
        )

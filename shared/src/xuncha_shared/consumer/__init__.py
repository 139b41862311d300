"""The consumer: inbox dedupe in the handlers' transaction, offsets committed after.

``loop`` runs it (a batch per transaction, see ``batch``), ``inbox`` holds the rule that an
event takes effect once, ``poison`` what can never apply, ``dead_letters`` where failures go
and how they come back, ``registry`` the handlers a service registers.
"""

from xuncha_shared.consumer.batch import HandlerFailed, apply_batch_in_one_transaction
from xuncha_shared.consumer.dead_letters import DeadLetter, describe_error, replay_dead_letters
from xuncha_shared.consumer.decoding import DecodedEvent, decode_event
from xuncha_shared.consumer.inbox import claim_inbox_rows
from xuncha_shared.consumer.loop import EventConsumer
from xuncha_shared.consumer.poison import (
    ForgedEvent,
    PoisonMessage,
    check_event_from_its_producer_topic,
    event_type_producer,
    handler_error_is_retried,
)
from xuncha_shared.consumer.registry import EventMeta, Handler, HandlerRegistry

__all__ = [
    "DeadLetter",
    "DecodedEvent",
    "EventConsumer",
    "EventMeta",
    "ForgedEvent",
    "Handler",
    "HandlerFailed",
    "HandlerRegistry",
    "PoisonMessage",
    "apply_batch_in_one_transaction",
    "check_event_from_its_producer_topic",
    "claim_inbox_rows",
    "decode_event",
    "describe_error",
    "event_type_producer",
    "handler_error_is_retried",
    "replay_dead_letters",
]

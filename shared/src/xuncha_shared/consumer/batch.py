"""The rule "a batch of events is one transaction, and a failing event leaves it alone".

A consumer applies the events of one fetch in one transaction: one statement claims their
inbox rows (:func:`claim_inbox_rows`), the handlers of the newly claimed ones run in the
order delivered, and one COMMIT makes all of them durable. That is what lets a consumer keep
up with more than a hundred events a second: the commit, not the handlers, was the cost.

When a handler raises, the whole transaction rolls back and :class:`HandlerFailed` names
the event. The consumer then applies the events before it again, in a transaction without
it, and hands the failing one to its own retries and dead-letter path, alone; so a poison
event never takes its batch's good events with it, and every event still applies after the
events delivered before it (order per key). Running the good events twice costs only time:
the first run was rolled back, and handlers touch nothing but their database.

Where the service registered a batch handler for a type (:meth:`HandlerRegistry.on_batch`),
consecutive events of that type are handed to it at once. When it raises, the event at
fault is unknown: the batch is applied again with the one-event handlers, which name it.

Each handler starts with an empty identity map, as it would in a session of its own, so an
object an earlier handler loaded is never handed to a later one stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from xuncha_shared.consumer.decoding import DecodedEvent, run_batch_handler, run_handler
from xuncha_shared.consumer.inbox import claim_inbox_rows


class HandlerFailed(Exception):
    """A handler of the batch raised; the batch's transaction was rolled back."""

    def __init__(self, index: int, error: Exception, *, by_batch_handler: bool = False) -> None:
        super().__init__(f"handler of event {index} of the batch failed: {type(error).__name__}")
        self.index = index
        self.error = error
        self.by_batch_handler = by_batch_handler
        """A batch handler raised: ``index`` is the first event it was given, not the
        event at fault."""


@dataclass(frozen=True)
class BatchApplied:
    """What one batch transaction did: events handled, and events skipped (already handled,
    delivered twice, or of a type the service ignores)."""

    handled: int
    skipped: int


async def apply_batch_in_one_transaction(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    inbox: Table,
    consumer: str,
    now: datetime,
    events: Sequence[DecodedEvent | None],
    batch_handlers: bool = True,
) -> BatchApplied:
    """Apply ``events`` (None for a type the service ignores) in one transaction, in order;
    with ``batch_handlers`` false, each through its one-event handler.

    Raises:
        HandlerFailed: a handler raised; nothing of the batch was committed.
    """
    first_of_each: list[tuple[int, DecodedEvent]] = []
    seen: set[uuid.UUID] = set()
    for index, decoded in enumerate(events):
        if decoded is not None and decoded.cloud_event.id not in seen:
            seen.add(decoded.cloud_event.id)
            first_of_each.append((index, decoded))
    if not first_of_each:
        return BatchApplied(handled=0, skipped=len(events))
    handled = 0
    async with sessionmaker() as session, session.begin():
        claimed = await claim_inbox_rows(
            session,
            inbox=inbox,
            consumer=consumer,
            events=[decoded.cloud_event for _, decoded in first_of_each],
            now=now,
        )
        fresh = [(i, d) for i, d in first_of_each if d.cloud_event.id in claimed]
        for run in _runs_of_one_batch_handler(fresh, batch_handlers=batch_handlers):
            first = run[0][0]
            try:
                if len(run) > 1:
                    await run_batch_handler(session, [d for _, d in run])
                else:
                    await run_handler(session, run[0][1])
            except Exception as exc:
                raise HandlerFailed(first, exc, by_batch_handler=len(run) > 1) from exc
            session.expunge_all()
            handled += len(run)
    return BatchApplied(handled=handled, skipped=len(events) - handled)


def _runs_of_one_batch_handler(
    events: list[tuple[int, DecodedEvent]], *, batch_handlers: bool
) -> list[list[tuple[int, DecodedEvent]]]:
    """Consecutive events sharing a batch handler, together; every other event alone."""
    runs: list[list[tuple[int, DecodedEvent]]] = []
    for item in events:
        shared = item[1].batch_handler
        if (
            batch_handlers
            and shared is not None
            and runs
            and runs[-1][-1][1].batch_handler is shared
        ):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs

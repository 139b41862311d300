"""The inbox: the rule "an event takes effect once per consumer".

A consumer claims an event by inserting ``(consumer, event_id)`` in the transaction that
runs the event's handler. The primary key refuses a second claim, so a redelivered event
finds its row and its handler is not run again; a rolled-back transaction takes its claim
with it, so an event whose handler failed is claimed again when it comes back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.events.base import CloudEvent


async def claim_inbox_rows(
    session: AsyncSession,
    *,
    inbox: Table,
    consumer: str,
    events: Sequence[CloudEvent],
    now: datetime,
) -> set[uuid.UUID]:
    """Claim ``events`` for ``consumer`` in one statement; the ids newly claimed (those not
    handled before). An id given twice is claimed once."""
    if not events:
        return set()
    # One statement with two arrays, whatever the batch's size: a multi-row VALUES would
    # be compiled anew for every batch length.
    rows = await session.execute(
        text(
            f'INSERT INTO "{inbox.schema}"."{inbox.name}" '
            "(consumer, event_id, event_type, handled_at) "
            "SELECT :consumer, e.event_id, e.event_type, :now "
            "FROM unnest(CAST(:ids AS uuid[]), CAST(:types AS text[])) AS e(event_id, event_type) "
            "ON CONFLICT DO NOTHING RETURNING event_id"
        ),
        {
            "consumer": consumer,
            "now": now,
            "ids": [e.id for e in events],
            "types": [e.type for e in events],
        },
    )
    return set(rows.scalars())

"""Which clues came from a problem or a public report, from the clues service's events:
ids and status only (clue content never leaves the clues service)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events import clues as clue_events
from xuncha_shared.events.clues import ClueEvent

from findings.common.models import ClueLink


async def on_clue_event(session: AsyncSession, event: ClueEvent, meta: EventMeta) -> None:
    """Keep the newest status of a clue that names a findings source; idempotent and safe
    against out-of-order delivery (the clue's version guards the upsert)."""
    if event.source_problem_id is None and event.source_report_id is None:
        return
    table: Table = ClueLink.__table__  # type: ignore[attr-defined]
    values = {
        "clue_id": event.clue_id,
        "jurisdiction": event.jurisdiction,
        "source_problem_id": event.source_problem_id,
        "source_report_id": event.source_report_id,
        "status": event.status.value,
        "version": event.version,
        "updated_at": meta.time,
    }
    stmt = insert(table).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.clue_id],
            set_={k: stmt.excluded[k] for k in values if k != "clue_id"},
            where=table.c.version < stmt.excluded.version,
        )
    )


def register_clue_links(handlers: HandlerRegistry) -> None:
    """Every clue event type updates the links."""
    for cls in clue_events.EVENTS:
        if issubclass(cls, ClueEvent):
            handlers.register(cls, on_clue_event)

"""The projection other services keep of planning's leadership roster (领导班子名册): one row
per roster entry, as the ``roster.member_*`` events carry it, so a service names a person by
the entry's id (an accountability record, the promotion check) and keeps the rank he had.

Order-safe and idempotent: a snapshot is applied only when its ``version`` is newer than the
row's, so a redelivered event changes nothing and an older event arriving after a newer one
never overwrites it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Date, DateTime, Index, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.planning.roster import (
    RosterMemberAppointed,
    RosterMemberChanged,
    RosterMemberLeft,
    RosterMemberSnapshot,
)


def roster_projection_table(metadata: MetaData) -> Table:
    """``<schema>.roster_members``: the entry's org, name, post, rank, term, platform account
    and the version last applied (the service's migration creates it)."""
    return Table(
        "roster_members",
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("jurisdiction", String(32), nullable=False),
        Column("org_id", UUID(as_uuid=True), nullable=False),
        Column("name", String(50), nullable=False),
        Column("post", String(30), nullable=False),
        Column("post_title", String(50)),
        Column("rank", String(20), nullable=False),
        Column("since", Date, nullable=False),
        Column("until", Date),
        Column("account", String(128)),
        Column("version", Integer, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Index("ix_roster_members_org_id", "org_id"),
        Index("ix_roster_members_account", "account"),
    )


async def apply_roster_snapshot(
    session: AsyncSession, table: Table, event: RosterMemberSnapshot, *, at: datetime
) -> None:
    """Upsert the entry unless a newer version of it is already there."""
    values = {
        "id": event.member_id,
        "jurisdiction": event.jurisdiction,
        "org_id": event.org_id,
        "name": event.name,
        "post": event.post.value,
        "post_title": event.post_title,
        "rank": event.rank.value,
        "since": event.since,
        "until": event.until,
        "account": event.account,
        "version": event.version,
        "updated_at": at,
    }
    stmt = insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={k: stmt.excluded[k] for k in values if k != "id"},
        where=table.c.version < stmt.excluded.version,
    )
    await session.execute(stmt)


def register_roster_projection(handlers: HandlerRegistry, table: Table) -> None:
    """Make ``handlers`` keep ``table`` in step with planning's roster."""

    async def on_roster_snapshot(
        session: AsyncSession, event: RosterMemberSnapshot, meta: EventMeta
    ) -> None:
        """Project a roster entry appointed, changed or ended in planning."""
        await apply_roster_snapshot(session, table, event, at=meta.time)

    handlers.register(RosterMemberAppointed, on_roster_snapshot)
    handlers.register(RosterMemberChanged, on_roster_snapshot)
    handlers.register(RosterMemberLeft, on_roster_snapshot)

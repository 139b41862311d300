"""The projection of planning's rounds, groups and assignments that findings, clues and
rectification keep in their own schema: who inspects which org in which round.

Fed by planning's events only (a service never reads planning's schema). Every upsert is
guarded by the snapshot's version, so redelivery and out-of-order delivery leave the
newest state. A service that needs more on one of these events registers its own handler
and calls the ``project_*`` function from it (a registry has one handler per type).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    exists,
    select,
)
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from xuncha_shared.consumer import EventMeta, HandlerRegistry
from xuncha_shared.events.planning import (
    AssignmentEvent,
    AssignmentMade,
    AssignmentWithdrawn,
    GroupEvent,
    GroupFormed,
    GroupMembershipChanged,
    RoundAdvanced,
    RoundMode,
    RoundScheduled,
    RoundSnapshot,
    RoundStatus,
    RoundUpdated,
    VillageApproach,
)
from xuncha_shared.orgs import OrgKind


@dataclass(frozen=True)
class AssignmentTables:
    """The four projection tables in one service's schema."""

    rounds: Table
    groups: Table
    members: Table
    assignments: Table


def assignment_projection_tables(metadata: MetaData) -> AssignmentTables:
    """``rounds``, ``inspection_groups``, ``group_members`` and ``assignments`` in the
    metadata's schema (see :func:`xuncha_shared.migrations.create_assignment_projection_v1`)."""
    rounds = Table(
        "rounds",
        metadata,
        Column("id", UUID(as_uuid=True), nullable=False),
        Column("jurisdiction", String(32), nullable=False),
        Column("term_id", UUID(as_uuid=True), nullable=False),
        Column("number", Integer, nullable=False),
        Column("name", String(200), nullable=False),
        Column("mode", String(20), nullable=False),
        Column("theme", String(200)),
        Column("inspecting_jurisdiction", String(32)),
        Column("status", String(20), nullable=False),
        Column("on_site_from", Date, nullable=False),
        Column("on_site_until", Date, nullable=False),
        Column("version", Integer, nullable=False),
        PrimaryKeyConstraint("id", name="pk_rounds"),
        Index("ix_rounds_jurisdiction_term", "jurisdiction", "term_id"),
    )
    groups = Table(
        "inspection_groups",
        metadata,
        Column("id", UUID(as_uuid=True), nullable=False),
        Column("round_id", UUID(as_uuid=True), nullable=False),
        Column("jurisdiction", String(32), nullable=False),
        Column("name", String(100), nullable=False),
        Column("inspecting_jurisdiction", String(32), nullable=False),
        Column("version", Integer, nullable=False),
        PrimaryKeyConstraint("id", name="pk_inspection_groups"),
        Index("ix_inspection_groups_round", "round_id"),
    )
    members = Table(
        "group_members",
        metadata,
        Column("group_id", UUID(as_uuid=True), nullable=False),
        Column("account", String(128), nullable=False),
        Column("cadre_id", UUID(as_uuid=True), nullable=False),
        Column("name", String(100), nullable=False),
        Column("role", String(20), nullable=False),
        PrimaryKeyConstraint("group_id", "account", name="pk_group_members"),
        ForeignKeyConstraint(
            ["group_id"],
            [groups.c.id],
            name="fk_group_members_group",
            ondelete="CASCADE",
        ),
        Index("ix_group_members_account", "account"),
    )
    assignments = Table(
        "assignments",
        metadata,
        Column("id", UUID(as_uuid=True), nullable=False),
        Column("round_id", UUID(as_uuid=True), nullable=False),
        Column("group_id", UUID(as_uuid=True), nullable=False),
        Column("org_id", UUID(as_uuid=True), nullable=False),
        Column("org_kind", String(20), nullable=False),
        Column("org_jurisdiction", String(32), nullable=False),
        Column("inspecting_jurisdiction", String(32), nullable=False),
        Column("approach", String(20)),
        Column("active", Boolean, nullable=False),
        PrimaryKeyConstraint("id", name="pk_assignments"),
        Index("ix_assignments_group", "group_id"),
        Index("ix_assignments_round_org", "round_id", "org_id"),
    )
    return AssignmentTables(rounds=rounds, groups=groups, members=members, assignments=assignments)


@dataclass(frozen=True)
class ProjectedRound:
    """A round as the projection holds it."""

    id: uuid.UUID
    jurisdiction: str
    term_id: uuid.UUID
    number: int
    name: str
    mode: RoundMode
    theme: str | None
    inspecting_jurisdiction: str | None
    status: RoundStatus
    on_site_from: date
    on_site_until: date
    version: int


@dataclass(frozen=True)
class ProjectedAssignment:
    """One group inspecting one org in a round; ``active`` is False once withdrawn."""

    id: uuid.UUID
    round_id: uuid.UUID
    group_id: uuid.UUID
    org_id: uuid.UUID
    org_kind: OrgKind
    org_jurisdiction: str
    inspecting_jurisdiction: str
    approach: VillageApproach | None
    active: bool


async def project_round(
    session: AsyncSession, tables: AssignmentTables, event: RoundSnapshot
) -> None:
    """Upsert a round snapshot unless a newer version is already there."""
    values = {
        "id": event.round_id,
        "jurisdiction": event.jurisdiction,
        "term_id": event.term_id,
        "number": event.number,
        "name": event.name,
        "mode": event.mode.value,
        "theme": event.theme,
        "inspecting_jurisdiction": event.inspecting_jurisdiction,
        "status": event.status.value,
        "on_site_from": event.on_site_from,
        "on_site_until": event.on_site_until,
        "version": event.version,
    }
    stmt = insert(tables.rounds).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[tables.rounds.c.id],
            set_={k: stmt.excluded[k] for k in values if k != "id"},
            where=tables.rounds.c.version < stmt.excluded.version,
        )
    )


async def project_group(session: AsyncSession, tables: AssignmentTables, event: GroupEvent) -> None:
    """Upsert a group and replace its members, unless a newer version is already there.

    Members without a platform account cannot sign in, so they are not kept."""
    values = {
        "id": event.group_id,
        "round_id": event.round_id,
        "jurisdiction": event.jurisdiction,
        "name": event.name,
        "inspecting_jurisdiction": event.inspecting_jurisdiction,
        "version": event.version,
    }
    stmt = insert(tables.groups).values(**values)
    applied = await session.scalar(
        stmt.on_conflict_do_update(
            index_elements=[tables.groups.c.id],
            set_={k: stmt.excluded[k] for k in values if k != "id"},
            where=tables.groups.c.version < stmt.excluded.version,
        ).returning(tables.groups.c.id)
    )
    if applied is None:
        return
    await session.execute(delete(tables.members).where(tables.members.c.group_id == event.group_id))
    rows = [
        {
            "group_id": event.group_id,
            "account": m.account,
            "cadre_id": m.cadre_id,
            "name": m.name,
            "role": m.role.value,
        }
        for m in event.members
        if m.account
    ]
    if rows:
        await session.execute(insert(tables.members).values(rows).on_conflict_do_nothing())


async def project_assignment(
    session: AsyncSession, tables: AssignmentTables, event: AssignmentEvent
) -> None:
    """Record an assignment made (active) or withdrawn (inactive). Both are keyed by the
    round, so they arrive in the order planning emitted them."""
    values = {
        "id": event.assignment_id,
        "round_id": event.round_id,
        "group_id": event.group_id,
        "org_id": event.org_id,
        "org_kind": event.org_kind.value,
        "org_jurisdiction": event.org_jurisdiction,
        "inspecting_jurisdiction": event.inspecting_jurisdiction,
        "approach": event.approach.value if event.approach else None,
        "active": isinstance(event, AssignmentMade),
    }
    stmt = insert(tables.assignments).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[tables.assignments.c.id],
            set_={k: stmt.excluded[k] for k in values if k != "id"},
        )
    )


def register_assignment_projection(handlers: HandlerRegistry, tables: AssignmentTables) -> None:
    """Make ``handlers`` keep ``tables`` in step with planning's rounds, groups and
    assignments."""

    async def on_round(session: AsyncSession, event: RoundSnapshot, meta: EventMeta) -> None:
        """Project a round scheduled, updated or advanced in planning."""
        await project_round(session, tables, event)

    async def on_group(session: AsyncSession, event: GroupEvent, meta: EventMeta) -> None:
        """Project a group formed or whose membership changed."""
        await project_group(session, tables, event)

    async def on_assignment(session: AsyncSession, event: AssignmentEvent, meta: EventMeta) -> None:
        """Project an assignment made or withdrawn."""
        await project_assignment(session, tables, event)

    for round_event in (RoundScheduled, RoundUpdated, RoundAdvanced):
        handlers.register(round_event, on_round)
    for group_event in (GroupFormed, GroupMembershipChanged):
        handlers.register(group_event, on_group)
    for assignment_event in (AssignmentMade, AssignmentWithdrawn):
        handlers.register(assignment_event, on_assignment)


def _round(row: dict[str, object]) -> ProjectedRound:
    return ProjectedRound(
        **{  # type: ignore[arg-type]
            **row,
            "mode": RoundMode(str(row["mode"])),
            "status": RoundStatus(str(row["status"])),
        }
    )


def _assignment(row: dict[str, object]) -> ProjectedAssignment:
    approach = row["approach"]
    return ProjectedAssignment(
        **{  # type: ignore[arg-type]
            **row,
            "org_kind": OrgKind(str(row["org_kind"])),
            "approach": VillageApproach(str(approach)) if approach else None,
        }
    )


async def get_round(
    session: AsyncSession, tables: AssignmentTables, round_id: uuid.UUID
) -> ProjectedRound | None:
    """The projected round, or None when planning's event has not arrived (or never will)."""
    row = (
        (await session.execute(tables.rounds.select().where(tables.rounds.c.id == round_id)))
        .mappings()
        .first()
    )
    return _round(dict(row)) if row else None


async def get_assignment(
    session: AsyncSession, tables: AssignmentTables, assignment_id: uuid.UUID
) -> ProjectedAssignment | None:
    """The projected assignment (active or withdrawn), or None."""
    t = tables.assignments
    row = (await session.execute(t.select().where(t.c.id == assignment_id))).mappings().first()
    return _assignment(dict(row)) if row else None


async def group_accounts(
    session: AsyncSession, tables: AssignmentTables, group_id: uuid.UUID
) -> frozenset[str]:
    """The platform accounts of a group's current members."""
    m = tables.members
    rows = await session.scalars(select(m.c.account).where(m.c.group_id == group_id))
    return frozenset(rows)


async def is_group_member(
    session: AsyncSession, tables: AssignmentTables, *, group_id: uuid.UUID, account: str
) -> bool:
    """Whether ``account`` (a token's ``sub``) is a current member of the group."""
    m = tables.members
    return bool(
        await session.scalar(
            select(exists().where(m.c.group_id == group_id, m.c.account == account))
        )
    )


async def assignments_of_account(
    session: AsyncSession, tables: AssignmentTables, account: str
) -> list[ProjectedAssignment]:
    """The active assignments of every group ``account`` belongs to."""
    a, m = tables.assignments, tables.members
    rows = (
        (
            await session.execute(
                a.select()
                .join(m, m.c.group_id == a.c.group_id)
                .where(m.c.account == account, a.c.active.is_(True))
                .order_by(a.c.round_id, a.c.org_id)
            )
        )
        .mappings()
        .all()
    )
    return [_assignment(dict(r)) for r in rows]


async def rounds_of_account(
    session: AsyncSession, tables: AssignmentTables, account: str
) -> list[ProjectedRound]:
    """The rounds in which ``account`` is a member of a group."""
    r, g, m = tables.rounds, tables.groups, tables.members
    rows = (
        (
            await session.execute(
                r.select()
                .where(
                    r.c.id.in_(
                        select(g.c.round_id)
                        .join(m, m.c.group_id == g.c.id)
                        .where(m.c.account == account)
                    )
                )
                .order_by(r.c.number)
            )
        )
        .mappings()
        .all()
    )
    return [_round(dict(row)) for row in rows]

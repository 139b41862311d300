"""The SQL of public reports: who sees which, the ledger's count, keyset page and export rows,
the round's announcement, groups and orgs, and the forwarded reports past their reply day."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, RowMapping, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Principal, Role

from findings.models import ASSIGNMENTS, ORGS, ClueLink
from findings.public_reports.models import Announcement, PublicReport

# Oversight roles that read every report of their jurisdiction.
READERS = frozenset({Role.office, Role.leadership, Role.discipline})


def visibility(principal: Principal) -> ColumnElement[bool]:
    """The reports ``principal`` may read: oversight of the jurisdiction, members of a
    group of the round, the department a report was forwarded to."""
    parts: list[ColumnElement[bool]] = []
    if principal.has(*READERS):
        parts.append(col(PublicReport.jurisdiction) == principal.jurisdiction)
    if principal.has(Role.group):
        g, m = ASSIGNMENTS.groups, ASSIGNMENTS.members
        parts.append(
            col(PublicReport.round_id).in_(
                select(g.c.round_id)
                .join(m, m.c.group_id == g.c.id)
                .where(m.c.account == principal.subject)
            )
        )
    org = principal.org_uuid
    if principal.has(Role.department, Role.discipline, Role.organization) and org is not None:
        parts.append(col(PublicReport.forwarded_to_org_id) == org)
    return or_(*parts) if parts else false()


async def is_round_member(session: AsyncSession, account: str, round_id: uuid.UUID) -> bool:
    """Whether ``account`` is a member of one of the round's groups."""
    g, m = ASSIGNMENTS.groups, ASSIGNMENTS.members
    found = await session.scalar(
        select(g.c.id)
        .join(m, m.c.group_id == g.c.id)
        .where(g.c.round_id == round_id, m.c.account == account)
        .limit(1)
    )
    return found is not None


async def round_groups(session: AsyncSession, round_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """The round's groups (id, name), by name."""
    g = ASSIGNMENTS.groups
    rows = await session.execute(
        select(g.c.id, g.c.name).where(g.c.round_id == round_id).order_by(g.c.name, g.c.id)
    )
    return [(gid, name) for gid, name in rows.all()]


async def round_orgs(
    session: AsyncSession, round_id: uuid.UUID
) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    """The orgs the round's groups inspect (group id, org id, name; active assignments), by
    org code."""
    a = ASSIGNMENTS.assignments
    rows = await session.execute(
        select(a.c.group_id, ORGS.c.id, ORGS.c.name)
        .join(ORGS, ORGS.c.id == a.c.org_id)
        .where(a.c.round_id == round_id, a.c.active.is_(True))
        .order_by(ORGS.c.code, ORGS.c.id)
    )
    return [(group_id, org_id, name) for group_id, org_id, name in rows.all()]


async def inspected_in_round(session: AsyncSession, round_id: uuid.UUID, org_id: uuid.UUID) -> bool:
    """Whether the org has an active assignment in the round."""
    a = ASSIGNMENTS.assignments
    found = await session.scalar(
        select(a.c.id)
        .where(a.c.round_id == round_id, a.c.org_id == org_id, a.c.active.is_(True))
        .limit(1)
    )
    return found is not None


async def announcement(
    session: AsyncSession, round_id: uuid.UUID, *, for_update: bool = False
) -> Announcement | None:
    """The round's announcement (locked for a change if asked); None before it is published."""
    if for_update:
        return await session.get(Announcement, round_id, with_for_update=True)
    return await session.get(Announcement, round_id)


async def by_receipt_hash(session: AsyncSession, digest: str) -> PublicReport | None:
    """The report whose receipt code has this hash."""
    return (
        await session.scalars(select(PublicReport).where(col(PublicReport.receipt_hash) == digest))
    ).first()


async def visible_report(
    session: AsyncSession,
    report_id: uuid.UUID,
    visible: ColumnElement[bool],
    *,
    for_update: bool = False,
) -> PublicReport | None:
    """The report, if ``visible`` lets the caller read it (locked for a change if asked)."""
    stmt = select(PublicReport).where(col(PublicReport.id) == report_id, visible)
    if for_update:
        stmt = stmt.with_for_update(of=PublicReport)
    return (await session.scalars(stmt)).first()


async def org(session: AsyncSession, org_id: uuid.UUID | None) -> RowMapping | None:
    """The projected org, as a mapping of its columns; None if unknown."""
    return (await session.execute(ORGS.select().where(ORGS.c.id == org_id))).mappings().first()


async def overdue_forwarded_for_update(session: AsyncSession, today: date) -> list[PublicReport]:
    """Up to 500 forwarded reports past their reply day without a reply or a chase yet,
    locked (those another chase holds are skipped)."""
    return list(
        await session.scalars(
            select(PublicReport)
            .where(
                col(PublicReport.forwarded_to_org_id).is_not(None),
                col(PublicReport.replied_at).is_(None),
                col(PublicReport.reply_overdue_emitted).is_(False),
                col(PublicReport.reply_due_on) < today,
            )
            .with_for_update(skip_locked=True)
            .limit(500)
        )
    )


async def count(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    """How many public reports meet ``conditions``."""
    return int(
        await session.scalar(select(func.count()).select_from(PublicReport).where(*conditions)) or 0
    )


async def page(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[PublicReport]:
    """Up to ``limit`` public reports after the key ``after``, by receipt time then id."""
    where = list(conditions)
    if after is not None:
        where.append(
            tuple_(col(PublicReport.received_at), col(PublicReport.id)) > tuple_(after[0], after[1])
        )
    return list(
        await session.scalars(
            select(PublicReport)
            .where(*where)
            .order_by(col(PublicReport.received_at), col(PublicReport.id))
            .limit(limit)
        )
    )


async def ledger(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], *, limit: int
) -> list[PublicReport]:
    """The public reports of an export, by receipt time then id."""
    return list(
        await session.scalars(
            select(PublicReport)
            .where(*conditions)
            .order_by(col(PublicReport.received_at), col(PublicReport.id))
            .limit(limit)
        )
    )


async def report_for_update(session: AsyncSession, report_id: uuid.UUID) -> PublicReport | None:
    """The report, locked for a change, whoever asks (for event handlers)."""
    return await session.get(PublicReport, report_id, with_for_update=True)


async def clue_link(session: AsyncSession, clue_id: uuid.UUID) -> ClueLink | None:
    """What findings heard of a clue from the clues service's events; None if nothing yet."""
    return await session.get(ClueLink, clue_id)


async def is_round_group(session: AsyncSession, group_id: uuid.UUID, round_id: uuid.UUID) -> bool:
    """Whether the group is one of the round's inspection groups."""
    g = ASSIGNMENTS.groups
    found = await session.scalar(
        select(g.c.id).where(g.c.id == group_id, g.c.round_id == round_id).limit(1)
    )
    return found is not None


async def org_and_superiors(session: AsyncSession, org_id: uuid.UUID) -> set[uuid.UUID]:
    """The org and the orgs above it (a village's township, and so on up), by the projected
    parent links; a cycle in the data stops the walk."""
    seen: set[uuid.UUID] = set()
    current: uuid.UUID | None = org_id
    while current is not None and current not in seen:
        seen.add(current)
        current = await session.scalar(select(ORGS.c.parent_id).where(ORGS.c.id == current))
    return seen


async def member_rounds(session: AsyncSession, account: str) -> frozenset[uuid.UUID]:
    """The rounds in one of whose groups ``account`` is a member."""
    g, m = ASSIGNMENTS.groups, ASSIGNMENTS.members
    rows = await session.scalars(
        select(g.c.round_id).join(m, m.c.group_id == g.c.id).where(m.c.account == account)
    )
    return frozenset(rows.all())

"""SQL of the circulars: one circular (locked to edit), its cases, the filtered ledger."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from rectification.access.policy import Access
from rectification.circulars.models import PUBLISHED, Circular, CircularCase


@dataclass(frozen=True)
class CircularFilter:
    """Filters of the circular ledger and its export."""

    status: str | None = None
    issued_from: date | None = None
    issued_until: date | None = None
    kind: str | None = None
    org_id: uuid.UUID | None = None


def _visible(access: Access) -> list[Any]:
    """The office, leadership, discipline and organization see drafts; the orgs and the
    leaders of the jurisdiction see what was published to them."""
    conditions: list[Any] = [col(Circular.jurisdiction) == access.jurisdiction]
    if not access.everything:
        conditions.append(col(Circular.status) == PUBLISHED)
    return conditions


def _conditions(access: Access, where: CircularFilter) -> list[Any]:
    conditions = _visible(access)
    if where.status is not None:
        conditions.append(col(Circular.status) == where.status)
    if where.issued_from is not None:
        conditions.append(col(Circular.issued_on) >= where.issued_from)
    if where.issued_until is not None:
        conditions.append(col(Circular.issued_on) <= where.issued_until)
    case_conditions: list[Any] = []
    if where.kind is not None:
        case_conditions.append(col(CircularCase.kind) == where.kind)
    if where.org_id is not None:
        case_conditions.append(col(CircularCase.org_id) == where.org_id)
    if case_conditions:
        conditions.append(
            exists().where(col(CircularCase.circular_id) == col(Circular.id), *case_conditions)
        )
    return conditions


async def visible_circular(
    session: AsyncSession, *, circular_id: uuid.UUID, access: Access, for_update: bool = False
) -> Circular | None:
    """The circular if the caller sees it (locked when ``for_update``)."""
    query = select(Circular).where(col(Circular.id) == circular_id, *_visible(access))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def list_circulars(
    session: AsyncSession,
    *,
    access: Access,
    where: CircularFilter,
    after: tuple[date, uuid.UUID] | None,
    limit: int | None,
) -> tuple[list[Circular], int]:
    """Circulars, the latest issued first (then by id), after the cursor's key; and how many
    match."""
    conditions = _conditions(access, where)
    query = select(Circular).where(*conditions)
    if after is not None:
        day, last = after
        query = query.where(
            or_(
                col(Circular.issued_on) < day,
                and_(col(Circular.issued_on) == day, col(Circular.id) < last),
            )
        )
    query = query.order_by(col(Circular.issued_on).desc(), col(Circular.id).desc())
    if limit is not None:
        query = query.limit(limit)
    rows = list(await session.scalars(query))
    return rows, await count_up_to_cap(session, select(Circular).where(*conditions))


async def cases_of(
    session: AsyncSession, circular_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[CircularCase]]:
    """The circulars' cases, in their order."""
    out: dict[uuid.UUID, list[CircularCase]] = {i: [] for i in circular_ids}
    if not circular_ids:
        return out
    rows = await session.scalars(
        select(CircularCase)
        .where(col(CircularCase.circular_id).in_(circular_ids))
        .order_by(col(CircularCase.circular_id), col(CircularCase.position))
    )
    for row in rows:
        out[row.circular_id].append(row)
    return out


async def case_of(
    session: AsyncSession, *, circular_id: uuid.UUID, case_id: uuid.UUID
) -> CircularCase | None:
    """One case of the circular."""
    return await session.scalar(
        select(CircularCase).where(
            col(CircularCase.id) == case_id, col(CircularCase.circular_id) == circular_id
        )
    )


async def next_position(session: AsyncSession, circular_id: uuid.UUID) -> int:
    """The position after the circular's last case (the circular is locked)."""
    last = await session.scalar(
        select(func.max(col(CircularCase.position))).where(
            col(CircularCase.circular_id) == circular_id
        )
    )
    return int(last or 0) + 1


async def remove_case(session: AsyncSession, case: CircularCase) -> None:
    """Delete the case."""
    await session.delete(case)
    await session.flush()

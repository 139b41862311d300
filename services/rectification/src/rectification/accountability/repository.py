"""SQL of accountability: one record (locked to correct), its persons, the filtered ledger,
the roster entries named, and the records naming a rostered person (the promotion check)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from rectification.accountability.models import AccountabilityRecord, AccountablePerson
from rectification.models import ORGS, ROSTER

R = AccountabilityRecord
P = AccountablePerson


@dataclass(frozen=True)
class AccountabilityFilter:
    """Filters of the accountability ledger and its export."""

    org_id: uuid.UUID | None = None
    form: str | None = None
    rank: str | None = None
    failure: str | None = None
    decided_from: date | None = None
    decided_until: date | None = None


def _conditions(jurisdiction: str, where: AccountabilityFilter) -> list[Any]:
    conditions: list[Any] = [col(R.jurisdiction) == jurisdiction]
    if where.org_id is not None:
        conditions.append(col(R.org_id) == where.org_id)
    if where.failure is not None:
        conditions.append(col(R.failure) == where.failure)
    if where.decided_from is not None:
        conditions.append(col(R.decided_on) >= where.decided_from)
    if where.decided_until is not None:
        conditions.append(col(R.decided_on) <= where.decided_until)
    person_conditions: list[Any] = []
    if where.form is not None:
        person_conditions.append(col(P.form) == where.form)
    if where.rank is not None:
        person_conditions.append(col(P.rank) == where.rank)
    if person_conditions:
        conditions.append(exists().where(col(P.record_id) == col(R.id), *person_conditions))
    return conditions


async def record_of(
    session: AsyncSession, *, record_id: uuid.UUID, jurisdiction: str, for_update: bool = False
) -> AccountabilityRecord | None:
    """The jurisdiction's record (locked when ``for_update``)."""
    query = select(R).where(col(R.id) == record_id, col(R.jurisdiction) == jurisdiction)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def list_records(
    session: AsyncSession,
    *,
    jurisdiction: str,
    where: AccountabilityFilter,
    after: tuple[date, uuid.UUID] | None,
    limit: int | None,
) -> tuple[list[AccountabilityRecord], int]:
    """Records, the latest decided first (then by id), after the cursor's key; and how many
    match."""
    conditions = _conditions(jurisdiction, where)
    query = select(R).where(*conditions)
    if after is not None:
        day, last = after
        query = query.where(
            or_(col(R.decided_on) < day, and_(col(R.decided_on) == day, col(R.id) < last))
        )
    query = query.order_by(col(R.decided_on).desc(), col(R.id).desc())
    if limit is not None:
        query = query.limit(limit)
    rows = list(await session.scalars(query))
    return rows, await count_up_to_cap(session, select(R).where(*conditions))


async def persons_of(
    session: AsyncSession, record_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[AccountablePerson]]:
    """The records' persons, in their order."""
    out: dict[uuid.UUID, list[AccountablePerson]] = {i: [] for i in record_ids}
    if not record_ids:
        return out
    rows = await session.scalars(
        select(P)
        .where(col(P.record_id).in_(record_ids))
        .order_by(col(P.record_id), col(P.position))
    )
    for row in rows:
        out[row.record_id].append(row)
    return out


async def replace_persons(
    session: AsyncSession, record_id: uuid.UUID, persons: Sequence[AccountablePerson]
) -> None:
    """Put ``persons`` in place of the record's persons."""
    await session.execute(delete(P).where(col(P.record_id) == record_id))
    session.add_all(persons)
    await session.flush()


async def roster_entries(
    session: AsyncSession, member_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Row[Any]]:
    """The roster entries (this service's projection) by id; missing ones are left out."""
    if not member_ids:
        return {}
    rows = await session.execute(select(ROSTER).where(ROSTER.c.id.in_(set(member_ids))))
    return {r.id: r for r in rows}


async def org_in(session: AsyncSession, *, org_id: uuid.UUID, jurisdiction: str) -> bool:
    """Whether the org is one of the jurisdiction's (this service's projection)."""
    found = await session.scalar(
        select(ORGS.c.id).where(ORGS.c.id == org_id, ORGS.c.jurisdiction == jurisdiction)
    )
    return found is not None


def same_person_entries(member_id: uuid.UUID) -> Any:
    """The roster entries of the same person as ``member_id``: the entry itself, and every
    entry the roster links to it by the same platform account (his other posts and terms)."""
    account = select(ROSTER.c.account).where(ROSTER.c.id == member_id).scalar_subquery()
    return select(ROSTER.c.id).where(
        or_(
            ROSTER.c.id == member_id,
            and_(ROSTER.c.account.is_not(None), ROSTER.c.account == account),
        )
    )


async def records_naming_person(
    session: AsyncSession, *, jurisdiction: str, member_id: uuid.UUID
) -> list[tuple[AccountabilityRecord, AccountablePerson]]:
    """The jurisdiction's records holding the person accountable, with his line in each,
    the latest decided first."""
    rows = await session.execute(
        select(R, P)
        .join(P, col(P.record_id) == col(R.id))
        .where(
            col(R.jurisdiction) == jurisdiction,
            col(P.member_id).in_(same_person_entries(member_id)),
        )
        .order_by(col(R.decided_on).desc(), col(R.id).desc())
    )
    return [(r, p) for r, p in rows.all()]

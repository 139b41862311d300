"""All SQL of the directory."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from notify.delivery.models import Delivery
from notify.directory.models import Person
from notify.inbox.models import AUDIENCE_ACCOUNT, AUDIENCE_ORG


async def get_person(
    session: AsyncSession, account: str, *, for_update: bool = False
) -> Person | None:
    stmt = select(Person).where(col(Person.account) == account)
    if for_update:
        stmt = stmt.with_for_update()
    return (
        await session.execute(stmt.execution_options(populate_existing=True))
    ).scalar_one_or_none()


async def list_people(
    session: AsyncSession,
    *,
    jurisdiction: str,
    org_id: uuid.UUID | None,
    role: str | None,
    q: str | None,
    after: str | None,
    limit: int,
) -> tuple[list[Person], int]:
    """In account order."""
    conditions = [col(Person.jurisdiction) == jurisdiction]
    if org_id is not None:
        conditions.append(col(Person.org_id) == org_id)
    if role is not None:
        conditions.append(literal(role) == func.any(col(Person.roles)))
    if q:
        like = f"%{q}%"
        conditions.append(
            or_(col(Person.display_name).ilike(like), col(Person.account).ilike(like))
        )
    total = await count_up_to_cap(session, select(Person).where(*conditions))
    stmt = select(Person).where(*conditions)
    if after is not None:
        stmt = stmt.where(col(Person.account) > after)
    rows = (await session.execute(stmt.order_by(col(Person.account)).limit(limit))).scalars()
    return list(rows), total


async def follow_account(
    session: AsyncSession,
    *,
    account: str,
    account_version: int,
    followed: dict[str, Any],
    at: datetime,
) -> None:
    """Insert the person, or update what the account ledger keeps of them, unless a newer
    account version was applied already. What only the directory knows (e-mail, digest)
    is left as it is, so this is not :func:`xuncha_shared.db.upsert`."""
    table = Person.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(
        account=account,
        email=None,
        daily_digest=False,
        version=1,
        created_at=at,
        **followed,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.account],
        set_={**followed, "version": table.c.version + 1},
        where=(col(Person.account_version).is_(None))
        | (col(Person.account_version) < account_version),
    )
    await session.execute(stmt)


def _reached_by(
    kind: str, value: str, roles: Sequence[str], jurisdiction: str
) -> ColumnElement[bool]:
    """Directory people an audience reaches (an org's people only in the roles the
    notification is meant for)."""
    if kind == AUDIENCE_ACCOUNT:
        return col(Person.account) == value
    if kind == AUDIENCE_ORG:
        org = _as_uuid(value)
        if org is None or not roles:
            return false()
        people_roles = Person.__table__.c.roles  # type: ignore[attr-defined]
        return and_(col(Person.org_id) == org, people_roles.overlap(sorted(roles)))
    return and_(
        literal(value) == func.any(col(Person.roles)), col(Person.jurisdiction) == jurisdiction
    )


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


async def mailed_one_by_one(
    session: AsyncSession, *, kind: str, value: str, roles: Sequence[str], jurisdiction: str
) -> list[Person]:
    """The active people an audience reaches who have an e-mail and did not choose the
    daily digest."""
    stmt = select(Person).where(
        _reached_by(kind, value, roles, jurisdiction),
        col(Person.active).is_(True),
        col(Person.email).is_not(None),
        # Those who chose the digest get the day's items in one mail instead.
        col(Person.daily_digest).is_(False),
    )
    return list((await session.execute(stmt)).scalars())


async def awaiting_digest(session: AsyncSession, day: date) -> list[Person]:
    """The active people with an e-mail who chose the digest and have none for ``day``."""
    already = exists().where(
        col(Delivery.account) == col(Person.account), col(Delivery.digest_day) == day
    )
    stmt = select(Person).where(
        col(Person.daily_digest).is_(True),
        col(Person.active).is_(True),
        col(Person.email).is_not(None),
        ~already,
    )
    return list((await session.execute(stmt)).scalars())

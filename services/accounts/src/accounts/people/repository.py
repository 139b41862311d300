"""All SQL of the account ledger: accounts, their setup codes and sign-in records, and the
copy of the org registry an account's org is checked against."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.auth import Role
from xuncha_shared.http import count_up_to_cap

from accounts.models import ORGS, Account, SetupCode, SignInRecord


async def account(session: AsyncSession, name: str, *, for_update: bool = False) -> Account | None:
    """The account named ``name``, of any jurisdiction."""
    return await session.get(Account, name, with_for_update=for_update or None)


async def any_account_in(session: AsyncSession, jurisdiction: str) -> bool:
    """Whether the jurisdiction has an account yet."""
    found = await session.scalar(
        select(col(Account.account)).where(col(Account.jurisdiction) == jurisdiction).limit(1)
    )
    return bool(found)


async def accounts_named(session: AsyncSession, names: Collection[str]) -> dict[str, Account]:
    """The accounts of ``names`` (of any jurisdiction), locked for an import."""
    named = select(Account).where(col(Account.account).in_(list(names))).with_for_update()
    return {a.account: a for a in await session.scalars(named)}


async def org_known(session: AsyncSession, jurisdiction: str, org_id: uuid.UUID) -> bool:
    """Whether the org is in the jurisdiction's copy of the registry."""
    known = await session.scalar(
        select(ORGS.c.id).where(ORGS.c.id == org_id, ORGS.c.jurisdiction == jurisdiction)
    )
    return known is not None


async def org_kind(session: AsyncSession, jurisdiction: str, org_id: uuid.UUID) -> str | None:
    """The kind of an org of the jurisdiction (township, village …), when known."""
    kind: str | None = await session.scalar(
        select(ORGS.c.kind).where(ORGS.c.id == org_id, ORGS.c.jurisdiction == jurisdiction)
    )
    return kind


async def org_codes(session: AsyncSession, jurisdiction: str) -> dict[str, uuid.UUID]:
    """The jurisdiction's orgs by code."""
    rows = await session.execute(
        # Codes are unique among an office's orgs; should two ever share one, the active wins.
        select(ORGS.c.code, ORGS.c.id)
        .where(ORGS.c.jurisdiction == jurisdiction)
        .order_by(ORGS.c.active)
    )
    return {code: org_id for code, org_id in rows}


async def unused_setup_codes(session: AsyncSession, account: str) -> list[SetupCode]:
    rows = await session.scalars(
        select(SetupCode).where(col(SetupCode.account) == account, col(SetupCode.used_at).is_(None))
    )
    return list(rows)


async def list_accounts(
    session: AsyncSession,
    *,
    jurisdiction: str,
    role: Role | None,
    org_id: uuid.UUID | None,
    active: bool | None,
    q: str | None,
    after: str | None,
    limit: int,
) -> tuple[list[Account], int]:
    """A page of the jurisdiction's accounts by name, and how many match in all."""
    conditions = [col(Account.jurisdiction) == jurisdiction]
    if role is not None:
        conditions.append(literal(role.value) == func.any(col(Account.roles)))
    if org_id is not None:
        conditions.append(col(Account.org_id) == org_id)
    if active is not None:
        conditions.append(col(Account.active) == active)
    if q:
        like = f"%{q}%"
        conditions.append(
            or_(col(Account.display_name).ilike(like), col(Account.account).ilike(like))
        )
    total = await count_up_to_cap(session, select(Account).where(*conditions))
    stmt = select(Account).where(*conditions)
    if after is not None:
        stmt = stmt.where(col(Account.account) > after)
    rows = await session.scalars(stmt.order_by(col(Account.account)).limit(limit))
    return list(rows), total


async def sign_ins(
    session: AsyncSession, *, account: str, before: int | None, limit: int
) -> list[SignInRecord]:
    """An account's sign-in records, newest first."""
    stmt = select(SignInRecord).where(col(SignInRecord.account) == account)
    if before is not None:
        stmt = stmt.where(col(SignInRecord.id) < before)
    rows = await session.scalars(stmt.order_by(col(SignInRecord.id).desc()).limit(limit))
    return list(rows)

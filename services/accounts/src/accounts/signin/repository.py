"""All SQL of signing in: sign-in records, refresh tokens, setup codes."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from accounts.models import RefreshToken, SetupCode, SignInRecord


async def failures_from(
    session: AsyncSession, address: str, *, since: datetime, outcomes: Collection[str]
) -> int:
    """How many failed attempts came from ``address`` after ``since``."""
    failures = await session.scalar(
        select(func.count())
        .select_from(SignInRecord)
        .where(
            col(SignInRecord.address) == address,
            col(SignInRecord.at) > since,
            col(SignInRecord.outcome).in_(outcomes),
        )
    )
    return int(failures or 0)


async def refresh_token(
    session: AsyncSession, token_hash: str, *, for_update: bool = False
) -> RefreshToken | None:
    return await session.get(RefreshToken, token_hash, with_for_update=for_update or None)


async def revoke(session: AsyncSession, now: datetime, *where: Any) -> None:
    """End the refresh tokens ``where`` says, those not ended yet."""
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.revoked_at).is_(None), *where)
        .values(revoked_at=now)
    )


async def setup_code(session: AsyncSession, code_hash: str) -> SetupCode | None:
    """A setup code by its hash, locked to use it."""
    return await session.get(SetupCode, code_hash, with_for_update=True)

"""All SQL of the jurisdictions' sign-in policies."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import Policy


async def policy(
    session: AsyncSession, jurisdiction: str, *, for_update: bool = False
) -> Policy | None:
    """The jurisdiction's policy; None while it keeps the default."""
    return await session.get(Policy, jurisdiction, with_for_update=for_update or None)

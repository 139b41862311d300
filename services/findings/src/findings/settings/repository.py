"""The SQL of the jurisdiction's findings settings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from findings.settings.models import FindingsSettingsRow


async def settings(
    session: AsyncSession, jurisdiction: str, *, for_update: bool = False
) -> FindingsSettingsRow | None:
    """The jurisdiction's settings row; None while the defaults apply."""
    return await session.get(FindingsSettingsRow, jurisdiction, with_for_update=for_update)

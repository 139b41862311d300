"""The rules' SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rectification.rules.models import RulesRow


async def rules_row(
    session: AsyncSession, jurisdiction: str, *, for_update: bool = False
) -> RulesRow | None:
    """The jurisdiction's own rules, if it has set any."""
    return await session.get(RulesRow, jurisdiction, with_for_update=for_update)


async def all_rules(session: AsyncSession) -> Sequence[RulesRow]:
    """Every jurisdiction's own rules."""
    return (await session.scalars(select(RulesRow))).all()

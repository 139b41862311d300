"""The rules' SQL, and the rules in force that other features read through it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rectification.rules.models import RulesRow
from rectification.rules.schemas import Rules


async def rules_row(
    session: AsyncSession, jurisdiction: str, *, for_update: bool = False
) -> RulesRow | None:
    """The jurisdiction's own rules, if it has set any."""
    return await session.get(RulesRow, jurisdiction, with_for_update=for_update)


async def all_rules(session: AsyncSession) -> Sequence[RulesRow]:
    """Every jurisdiction's own rules."""
    return (await session.scalars(select(RulesRow))).all()


async def effective_rules(session: AsyncSession, jurisdiction: str) -> Rules:
    """The rules of ``jurisdiction`` (the defaults when the office has set none)."""
    row = await rules_row(session, jurisdiction)
    return Rules() if row is None else Rules.model_validate(row.rules)


async def rules_by_jurisdiction(session: AsyncSession) -> dict[str, Rules]:
    """Every jurisdiction's own rules; the others use the defaults."""
    return {r.jurisdiction: Rules.model_validate(r.rules) for r in await all_rules(session)}

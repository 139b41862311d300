"""All SQL of the routing rules, and the effective rules of a jurisdiction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notify.rules.defaults import DEFAULT_RULES, DEFAULTS_BY_KEY
from notify.rules.models import RuleRow
from notify.rules.spec import Audience, Channel, RuleSpec


def spec_of(row: RuleRow) -> RuleSpec:
    return RuleSpec(
        key=row.key,
        event_type=row.event_type,
        description=row.description,
        conditions=dict(row.conditions),
        audiences=tuple(Audience.model_validate(a) for a in row.audiences),
        channels=tuple(Channel(c) for c in row.channels),
        active=row.active,
    )


async def rows_of(session: AsyncSession, jurisdiction: str) -> list[RuleRow]:
    stmt = select(RuleRow).where(col(RuleRow.jurisdiction) == jurisdiction)
    return list((await session.execute(stmt)).scalars())


async def get_row(
    session: AsyncSession, jurisdiction: str, key: str, *, for_update: bool = False
) -> RuleRow | None:
    stmt = select(RuleRow).where(col(RuleRow.jurisdiction) == jurisdiction, col(RuleRow.key) == key)
    if for_update:
        stmt = stmt.with_for_update()
    return (
        await session.execute(stmt.execution_options(populate_existing=True))
    ).scalar_one_or_none()


async def effective(
    session: AsyncSession, jurisdiction: str
) -> list[tuple[RuleSpec, RuleRow | None]]:
    """Defaults overlaid by the jurisdiction's own rows (same key replaces), then the
    jurisdiction's added rules, in key order after the defaults."""
    rows = {r.key: r for r in await rows_of(session, jurisdiction)}
    out: list[tuple[RuleSpec, RuleRow | None]] = []
    for rule in DEFAULT_RULES:
        row = rows.pop(rule.key, None)
        out.append((spec_of(row), row) if row is not None else (rule, None))
    out += [(spec_of(rows[k]), rows[k]) for k in sorted(rows)]
    return out


async def effective_for(
    session: AsyncSession, jurisdiction: str, event_type: str
) -> list[RuleSpec]:
    """The active rules of a jurisdiction for one event type (a jurisdiction has a few dozen
    rows at most, so they are read whole)."""
    return [
        spec
        for spec, _ in await effective(session, jurisdiction)
        if spec.event_type == event_type and spec.active
    ]


def default_of(key: str) -> RuleSpec | None:
    return DEFAULTS_BY_KEY.get(key)

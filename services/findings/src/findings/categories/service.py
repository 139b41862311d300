"""Changing the jurisdiction's problem list: the office adds a category or overrides a
default one. Flush, never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Principal

from findings.categories import repository
from findings.categories.models import ProblemCategory
from findings.categories.schemas import CategoryRead, CategoryWrite


async def put_category(
    session: AsyncSession, *, code: str, data: CategoryWrite, actor: Principal, now: datetime
) -> CategoryRead:
    """Add the jurisdiction's entry ``code`` or change it (a default is overridden by the
    first change)."""
    row = await repository.category_for_update(session, actor.jurisdiction, code)
    kinds = [k.value for k in data.org_kinds]
    if row is None:
        row = ProblemCategory(
            jurisdiction=actor.jurisdiction,
            code=code,
            name=data.name,
            org_kinds=kinds,
            sort_order=data.sort_order,
            active=data.active,
            updated_at=now,
            updated_by=actor.subject,
        )
        session.add(row)
    else:
        row.name, row.org_kinds, row.sort_order, row.active = (
            data.name,
            kinds,
            data.sort_order,
            data.active,
        )
        row.version += 1
        row.updated_at, row.updated_by = now, actor.subject
    await session.flush()
    return CategoryRead(
        code=code,
        name=row.name,
        org_kinds=list(data.org_kinds),
        sort_order=row.sort_order,
        active=row.active,
        is_default=False,
    )

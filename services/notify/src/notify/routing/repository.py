"""All SQL of routing an event: the names of the orgs its message mentions."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify.models import ORGS


async def org_names(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of the orgs with these ids, from the org registry's projection."""
    if not ids:
        return {}
    rows = await session.execute(select(ORGS.c.id, ORGS.c.name).where(ORGS.c.id.in_(ids)))
    return {i: n for i, n in rows}

"""Reminders' SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rectification.models import ORGS


async def org_name(session: AsyncSession, org_id: uuid.UUID) -> str | None:
    """The name of an org, from the local projection."""
    return await session.scalar(select(ORGS.c.name).where(ORGS.c.id == org_id))

"""All SQL of department systems' service accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from accounts.models import ServiceClient


async def client(
    session: AsyncSession, client_id: str, *, for_update: bool = False
) -> ServiceClient | None:
    """The service account ``client_id``, of any jurisdiction."""
    return await session.get(ServiceClient, client_id, with_for_update=for_update or None)


async def clients_of(session: AsyncSession, jurisdiction: str) -> list[ServiceClient]:
    """The jurisdiction's service accounts by client id."""
    rows = await session.scalars(
        select(ServiceClient)
        .where(col(ServiceClient.jurisdiction) == jurisdiction)
        .order_by(col(ServiceClient.client_id))
    )
    return list(rows)

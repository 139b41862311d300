"""The SQL of feedback read by the routes."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from findings.feedback.models import Feedback


async def of_assignment(session: AsyncSession, assignment_id: uuid.UUID) -> Feedback | None:
    """The feedback given on an assignment, if any."""
    return (
        await session.scalars(select(Feedback).where(col(Feedback.assignment_id) == assignment_id))
    ).first()

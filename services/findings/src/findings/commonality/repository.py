"""The SQL of common problems: the round's or term's problems, and the names of orgs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from findings.commonality.grouping import Item
from findings.models import ORGS
from findings.problems.models import Problem


async def problem_texts(
    session: AsyncSession,
    *,
    jurisdiction: str,
    round_id: uuid.UUID | None,
    term_id: uuid.UUID | None,
    category: str | None,
) -> list[Item]:
    """The problems of a round or a term, as the grouping reads them."""
    conditions = [col(Problem.jurisdiction) == jurisdiction]
    conditions.append(
        col(Problem.round_id) == round_id if round_id else col(Problem.term_id) == term_id
    )
    if category:
        conditions.append(col(Problem.category) == category)
    return [
        Item(*r)
        for r in (
            await session.execute(
                select(
                    col(Problem.id),
                    col(Problem.org_id),
                    col(Problem.category),
                    col(Problem.category_name),
                    col(Problem.description),
                )
                .where(*conditions)
                .order_by(col(Problem.created_at), col(Problem.id))
            )
        ).all()
    ]


async def org_names(session: AsyncSession, org_ids: Iterable[uuid.UUID]) -> dict[Any, Any]:
    """The names of ``org_ids`` (an empty set reads nothing)."""
    ids = set(org_ids)
    if not ids:
        return {}
    return dict(
        (await session.execute(select(ORGS.c.id, ORGS.c.name).where(ORGS.c.id.in_(ids)))).all()
    )

"""All of village classification's SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col
from xuncha_shared.orgs import GRASSROOTS_KINDS

from planning.models import Org, Term
from planning.villages.models import (
    VillageClassConfig,
    VillageClassification,
    VillageClassificationStep,
)
from planning.villages.rules import DEFAULT_RULES, ClassificationRules

VillageOrg = aliased(Org, name="village")
TownshipOrg = aliased(Org, name="township")
C = VillageClassification


@dataclass(frozen=True)
class ClassificationRow:
    """A classification with its village and the village's township."""

    classification: VillageClassification
    village: Org
    township: Org | None


async def lock(session: AsyncSession, key: str) -> None:
    """Serialise writers of ``key`` until the transaction ends (for rows not there yet)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


async def latest_config(session: AsyncSession, jurisdiction: str) -> VillageClassConfig | None:
    stmt = (
        select(VillageClassConfig)
        .where(col(VillageClassConfig.jurisdiction) == jurisdiction)
        .order_by(col(VillageClassConfig.version).desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_config(
    session: AsyncSession, jurisdiction: str, version: int
) -> VillageClassConfig | None:
    return await session.get(VillageClassConfig, (jurisdiction, version))


async def list_configs(
    session: AsyncSession, *, jurisdiction: str, before: int | None, limit: int
) -> tuple[list[VillageClassConfig], int]:
    """Saved versions, newest first, and how many there are."""
    where = col(VillageClassConfig.jurisdiction) == jurisdiction
    total = int(
        await session.scalar(select(func.count()).select_from(VillageClassConfig).where(where)) or 0
    )
    stmt = select(VillageClassConfig).where(where)
    if before is not None:
        stmt = stmt.where(col(VillageClassConfig.version) < before)
    stmt = stmt.order_by(col(VillageClassConfig.version).desc()).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def get_term(session: AsyncSession, term_id: uuid.UUID) -> Term | None:
    return await session.get(Term, term_id)


async def get_org(session: AsyncSession, org_id: uuid.UUID | None) -> Org | None:
    return None if org_id is None else await session.get(Org, org_id)


async def find_classification(
    session: AsyncSession, term_id: uuid.UUID, village_id: uuid.UUID
) -> VillageClassification | None:
    stmt = select(C).where(col(C.term_id) == term_id, col(C.village_id) == village_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_classifications(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, for_update: bool = False
) -> dict[uuid.UUID, ClassificationRow]:
    """Classifications by id with their villages and townships; locked (in id order, so two
    batches never deadlock) when ``for_update``."""
    if not ids:
        return {}
    stmt = (
        select(C, VillageOrg, TownshipOrg)
        .join(VillageOrg, col(VillageOrg.id) == col(C.village_id))
        .outerjoin(TownshipOrg, col(TownshipOrg.id) == col(VillageOrg.parent_id))
        .where(col(C.id).in_(ids))
        .order_by(col(C.id))
    )
    if for_update:
        stmt = stmt.with_for_update(of=C)
    rows = (await session.execute(stmt)).all()
    return {c.id: ClassificationRow(c, v, t) for c, v, t in rows}


async def steps_of(
    session: AsyncSession, classification_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[VillageClassificationStep]]:
    """The steps taken for each classification, in order."""
    out: dict[uuid.UUID, list[VillageClassificationStep]] = {i: [] for i in classification_ids}
    if not classification_ids:
        return out
    S = VillageClassificationStep
    stmt = (
        select(S)
        .where(col(S.classification_id).in_(classification_ids))
        .order_by(col(S.classification_id), col(S.seq))
    )
    for step in (await session.execute(stmt)).scalars():
        out[step.classification_id].append(step)
    return out


@dataclass(frozen=True)
class ClassificationFilter:
    """What a list, a count or an export selects, within one jurisdiction."""

    jurisdiction: str
    term_id: uuid.UUID | None = None
    township_id: uuid.UUID | None = None
    village_classes: Sequence[str] = ()
    scored_classes: Sequence[str] = ()
    stages: Sequence[str] = ()
    approved: bool | None = None
    q: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[Any] = [col(C.jurisdiction) == self.jurisdiction]
        if self.term_id is not None:
            out.append(col(C.term_id) == self.term_id)
        if self.township_id is not None:
            out.append(col(VillageOrg.parent_id) == self.township_id)
        if self.village_classes:
            out.append(col(C.village_class).in_(self.village_classes))
        if self.scored_classes:
            out.append(col(C.scored_class).in_(self.scored_classes))
        if self.stages:
            out.append(col(C.stage).in_(self.stages))
        if self.approved is not None:
            out.append(
                col(C.village_class).is_not(None)
                if self.approved
                else col(C.village_class).is_(None)
            )
        if self.q:
            escaped = self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            out.append(
                or_(col(VillageOrg.name).ilike(pattern), col(VillageOrg.code).ilike(pattern))
            )
        return out


async def list_classifications(
    session: AsyncSession,
    where: ClassificationFilter,
    *,
    after: tuple[str, uuid.UUID] | None = None,
    limit: int = 50,
) -> tuple[list[ClassificationRow], int]:
    """A page ordered by village code (then id, across terms), and the matching count."""
    conditions = where.conditions()
    total = int(
        await session.scalar(
            select(func.count())
            .select_from(C)
            .join(VillageOrg, col(VillageOrg.id) == col(C.village_id))
            .where(*conditions)
        )
        or 0
    )
    stmt = (
        select(C, VillageOrg, TownshipOrg)
        .join(VillageOrg, col(VillageOrg.id) == col(C.village_id))
        .outerjoin(TownshipOrg, col(TownshipOrg.id) == col(VillageOrg.parent_id))
        .where(*conditions)
    )
    if after is not None:
        stmt = stmt.where(tuple_(col(VillageOrg.code), col(C.id)) > tuple_(after[0], after[1]))
    stmt = stmt.order_by(col(VillageOrg.code), col(C.id)).limit(limit)
    rows = (await session.execute(stmt)).all()
    return [ClassificationRow(c, v, t) for c, v, t in rows], total


async def all_classifications(
    session: AsyncSession, where: ClassificationFilter
) -> list[ClassificationRow]:
    """Every matching classification, by township code then village code (for exports)."""
    stmt = (
        select(C, VillageOrg, TownshipOrg)
        .join(VillageOrg, col(VillageOrg.id) == col(C.village_id))
        .outerjoin(TownshipOrg, col(TownshipOrg.id) == col(VillageOrg.parent_id))
        .where(*where.conditions())
        .order_by(col(TownshipOrg.code).nulls_first(), col(VillageOrg.code))
    )
    rows = (await session.execute(stmt)).all()
    return [ClassificationRow(c, v, t) for c, v, t in rows]


async def count_by(
    session: AsyncSession, where: ClassificationFilter, column: Any
) -> dict[str | None, int]:
    """How many matching classifications have each value of ``column``."""
    stmt = (
        select(column, func.count())
        .select_from(C)
        .join(VillageOrg, col(VillageOrg.id) == col(C.village_id))
        .where(*where.conditions())
        .group_by(column)
    )
    return {value: int(n) for value, n in (await session.execute(stmt)).all()}


async def villages_by_township(
    session: AsyncSession, *, jurisdiction: str, township_id: uuid.UUID | None = None
) -> dict[uuid.UUID | None, int]:
    """Villages and communities in scope (active), counted per township."""
    conditions: list[Any] = [
        col(Org.jurisdiction) == jurisdiction,
        col(Org.kind).in_([k.value for k in GRASSROOTS_KINDS]),
        col(Org.active).is_(True),
    ]
    if township_id is not None:
        conditions.append(col(Org.parent_id) == township_id)
    stmt = select(col(Org.parent_id), func.count()).where(*conditions).group_by(col(Org.parent_id))
    return {parent: int(n) for parent, n in (await session.execute(stmt)).all()}


async def townships(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Org]:
    if not ids:
        return {}
    stmt = select(Org).where(col(Org.id).in_(ids))
    return {o.id: o for o in (await session.execute(stmt)).scalars()}


async def rules_in_force(
    session: AsyncSession, jurisdiction: str
) -> tuple[ClassificationRules, int | None]:
    """The method a new score uses: the office's latest version, else the defaults (None)."""
    row = await latest_config(session, jurisdiction)
    if row is None:
        return DEFAULT_RULES, None
    return ClassificationRules.model_validate(row.rules), row.version

"""SQL of the talent pool: cadres, their posts and relatives, the orgs they refer to, and
the avoidance settings."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import delete, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col
from xuncha_shared.http import count_up_to_cap

from planning.groups.avoidance import CadreFacts, OrgRef, Post, Relative
from planning.models import Cadre, GroupMember, Org
from planning.pool.domain import DEFAULT_FORMER_UNIT_YEARS
from planning.pool.models import AvoidanceSetting, CadrePost, CadreRelative


def like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def lock_pool(session: AsyncSession, jurisdiction: str) -> None:
    """Serialise the writers of one pool until the transaction ends, so that two requests
    cannot both find a code or an account free and then both take it."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"planning.cadres:{jurisdiction}"},
    )


async def get_cadre(
    session: AsyncSession, cadre_id: uuid.UUID, *, for_update: bool = False
) -> Cadre | None:
    stmt = select(Cadre).where(col(Cadre.id) == cadre_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_cadre_by_code(session: AsyncSession, jurisdiction: str, code: str) -> Cadre | None:
    stmt = select(Cadre).where(col(Cadre.jurisdiction) == jurisdiction, col(Cadre.code) == code)
    return (await session.execute(stmt)).scalar_one_or_none()


async def cadre_with_account(
    session: AsyncSession, jurisdiction: str, account: str, *, other_than: uuid.UUID | None = None
) -> Cadre | None:
    stmt = select(Cadre).where(
        col(Cadre.jurisdiction) == jurisdiction, col(Cadre.account) == account
    )
    if other_than is not None:
        stmt = stmt.where(col(Cadre.id) != other_than)
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def cadres_by_code(session: AsyncSession, jurisdiction: str) -> dict[str, Cadre]:
    """Every cadre of a pool by code, locked: an import compares against them."""
    stmt = select(Cadre).where(col(Cadre.jurisdiction) == jurisdiction).with_for_update()
    return {c.code: c for c in (await session.execute(stmt)).scalars()}


async def cadres_by_id(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Cadre]:
    if not ids:
        return {}
    stmt = select(Cadre).where(col(Cadre.id).in_(ids))
    return {c.id: c for c in (await session.execute(stmt)).scalars()}


async def list_cadres(
    session: AsyncSession,
    *,
    jurisdiction: str,
    specialties: Sequence[str] = (),
    available: bool | None = None,
    unit_org_id: uuid.UUID | None = None,
    unit: str | None = None,
    q: str | None = None,
    free_in_round: uuid.UUID | None = None,
    after_code: str | None = None,
    limit: int = 50,
) -> tuple[list[Cadre], int]:
    """A page of a pool ordered by code (unique in a pool) and the total matching count."""
    conditions: list[Any] = [col(Cadre.jurisdiction) == jurisdiction]
    if specialties:
        conditions.append(col(Cadre.specialties).overlap(list(specialties)))  # type: ignore[attr-defined]
    if available is not None:
        conditions.append(col(Cadre.available) == available)
    if unit_org_id is not None:
        conditions.append(col(Cadre.unit_org_id) == unit_org_id)
    if unit:
        conditions.append(col(Cadre.unit_name).ilike(like(unit)))
    if q:
        pattern = like(q)
        conditions.append(
            or_(
                col(Cadre.name).ilike(pattern),
                col(Cadre.code).ilike(pattern),
                col(Cadre.unit_name).ilike(pattern),
            )
        )
    if free_in_round is not None:
        taken = select(col(GroupMember.cadre_id)).where(col(GroupMember.round_id) == free_in_round)
        conditions.append(col(Cadre.id).not_in(taken))
    total = await count_up_to_cap(session, select(Cadre).where(*conditions))
    stmt = select(Cadre).where(*conditions)
    if after_code is not None:
        stmt = stmt.where(col(Cadre.code) > after_code)
    stmt = stmt.order_by(col(Cadre.code)).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def available_cadres(
    session: AsyncSession, jurisdiction: str, *, not_in_round: uuid.UUID
) -> list[Cadre]:
    """A pool's available cadres who are in no group of the round."""
    cadres, _ = await list_cadres(
        session,
        jurisdiction=jurisdiction,
        available=True,
        free_in_round=not_in_round,
        limit=100_000,
    )
    return cadres


async def posts_of(
    session: AsyncSession, cadre_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[CadrePost]]:
    out: dict[uuid.UUID, list[CadrePost]] = {i: [] for i in cadre_ids}
    if cadre_ids:
        stmt = (
            select(CadrePost)
            .where(col(CadrePost.cadre_id).in_(cadre_ids))
            .order_by(col(CadrePost.started_on), col(CadrePost.id))
        )
        for post in (await session.execute(stmt)).scalars():
            out[post.cadre_id].append(post)
    return out


async def relatives_of(
    session: AsyncSession, cadre_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[CadreRelative]]:
    out: dict[uuid.UUID, list[CadreRelative]] = {i: [] for i in cadre_ids}
    if cadre_ids:
        stmt = (
            select(CadreRelative)
            .where(col(CadreRelative.cadre_id).in_(cadre_ids))
            .order_by(col(CadreRelative.id))
        )
        for relative in (await session.execute(stmt)).scalars():
            out[relative.cadre_id].append(relative)
    return out


async def delete_posts_and_relatives(
    session: AsyncSession,
    cadre_ids: Collection[uuid.UUID],
    *,
    posts: bool = True,
    relatives: bool = True,
) -> None:
    if not cadre_ids:
        return
    if posts:
        await session.execute(delete(CadrePost).where(col(CadrePost.cadre_id).in_(cadre_ids)))
    if relatives:
        await session.execute(
            delete(CadreRelative).where(col(CadreRelative.cadre_id).in_(cadre_ids))
        )


async def orgs_by_id(
    session: AsyncSession, ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, Org]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = select(Org).where(col(Org.id).in_(wanted))
    return {o.id: o for o in (await session.execute(stmt)).scalars()}


async def orgs_by_code(
    session: AsyncSession, keys: Collection[tuple[str, str]]
) -> dict[tuple[str, str], Org]:
    """Orgs by (jurisdiction, code)."""
    if not keys:
        return {}
    stmt = select(Org).where(tuple_(col(Org.jurisdiction), col(Org.code)).in_(list(keys)))
    return {(o.jurisdiction, o.code): o for o in (await session.execute(stmt)).scalars()}


def org_ref(org: Org) -> OrgRef:
    return OrgRef(id=org.id, name=org.name, kind=org.kind, parent_id=org.parent_id)


async def cadre_facts(session: AsyncSession, cadres: Sequence[Cadre]) -> list[CadreFacts]:
    """What the avoidance rules need about each cadre, loaded in four queries."""
    ids = [c.id for c in cadres]
    posts = await posts_of(session, ids)
    relatives = await relatives_of(session, ids)
    org_ids: set[uuid.UUID | None] = set()
    for c in cadres:
        org_ids |= {c.unit_org_id, c.home_township_id}
        org_ids |= {p.org_id for p in posts[c.id]} | {r.org_id for r in relatives[c.id]}
    orgs = {i: org_ref(o) for i, o in (await orgs_by_id(session, org_ids)).items()}
    return [
        CadreFacts(
            id=c.id,
            code=c.code,
            name=c.name,
            unit_name=c.unit_name,
            unit=orgs.get(c.unit_org_id) if c.unit_org_id else None,
            home_township=orgs.get(c.home_township_id) if c.home_township_id else None,
            posts=tuple(
                Post(orgs[p.org_id], p.title, p.started_on, p.ended_on) for p in posts[c.id]
            ),
            relatives=tuple(Relative(orgs[r.org_id], r.relation) for r in relatives[c.id]),
            specialties=tuple(c.specialties),
        )
        for c in cadres
    ]


async def lock_setting(session: AsyncSession, jurisdiction: str) -> None:
    """Serialise writers of the jurisdiction's avoidance setting until the transaction ends.

    A row lock cannot cover a setting that does not exist yet; this serialises its creators.
    """
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"planning.avoidance_settings:{jurisdiction}"},
    )


async def get_setting(session: AsyncSession, jurisdiction: str) -> AvoidanceSetting | None:
    return await session.get(AvoidanceSetting, jurisdiction, populate_existing=True)


async def former_unit_years(session: AsyncSession, jurisdiction: str) -> int:
    """The jurisdiction's avoidance window in years (the default without a setting)."""
    setting = await get_setting(session, jurisdiction)
    return setting.former_unit_years if setting else DEFAULT_FORMER_UNIT_YEARS

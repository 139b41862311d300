"""The talent pool (巡察人才库): cadres, their posts and declared relatives, the avoidance
window. Keyword-only arguments; they flush, never commit.

The pool carries personal data (phone, relatives), so it emits no events: groups and
assignments publish what other services need.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import JurisdictionHierarchy, Principal
from xuncha_shared.http import check_version
from xuncha_shared.problems import Conflict, NotFound, PreconditionRequired, Unprocessable

from planning.models import Cadre, Org
from planning.pool import repository
from planning.pool.access import pool_readable, require_office, require_reader
from planning.pool.domain import DEFAULT_FORMER_UNIT_YEARS
from planning.pool.models import AvoidanceSetting, CadrePost, CadreRelative
from planning.pool.schemas import (
    AvoidanceSettingsRead,
    AvoidanceSettingsUpdate,
    CadreCreate,
    CadrePostIn,
    CadrePostRead,
    CadreRead,
    CadreRelativeIn,
    CadreRelativeRead,
    CadreUpdate,
)


def _no_cadre() -> NotFound:
    return NotFound("人才库中没有该人员", "No such cadre in the pool", field="cadre_id")


async def get_cadre_for(
    session: AsyncSession,
    *,
    cadre_id: uuid.UUID,
    actor: Principal,
    for_update: bool = False,
    hierarchy: JurisdictionHierarchy | None = None,
) -> Cadre:
    """A cadre the actor may read (writes: only in his own pool; reads also in the pools of
    the jurisdictions registered under the actor's in ``hierarchy``)."""
    if for_update:
        require_office(actor)
    else:
        require_reader(actor)
    cadre = await repository.get_cadre(session, cadre_id, for_update=for_update)
    if cadre is None or not pool_readable(
        actor, cadre.jurisdiction, hierarchy or JurisdictionHierarchy()
    ):
        raise _no_cadre()
    if for_update and cadre.jurisdiction != actor.jurisdiction:
        raise _no_cadre()
    return cadre


async def _orgs(
    session: AsyncSession,
    *,
    unit_org_id: uuid.UUID | None,
    home_township_id: uuid.UUID | None,
    posts: Sequence[CadrePostIn],
    relatives: Sequence[CadreRelativeIn],
) -> dict[uuid.UUID, Org]:
    """The orgs a cadre refers to; 422 naming the first that does not exist."""
    wanted: list[tuple[str, uuid.UUID | None]] = [
        ("unit_org_id", unit_org_id),
        ("home_township_id", home_township_id),
        *((f"posts.{i}.org_id", p.org_id) for i, p in enumerate(posts)),
        *((f"relatives.{i}.org_id", r.org_id) for i, r in enumerate(relatives)),
    ]
    orgs = await repository.orgs_by_id(session, (i for _, i in wanted))
    for field, org_id in wanted:
        if org_id is not None and org_id not in orgs:
            raise Unprocessable(
                "被巡察对象库中没有该组织",
                "No such org in the registry",
                field=field,
                code="no-org",
            )
    home = orgs.get(home_township_id) if home_township_id else None
    if home is not None and home.kind != "township":
        raise Unprocessable(
            f"家乡乡镇须为乡镇（街道），{home.name}不是",
            f"The home township must be a township; {home.name} is a {home.kind}",
            field="home_township_id",
            code="not-a-township",
        )
    return orgs


async def _check_account(
    session: AsyncSession, jurisdiction: str, account: str | None, cadre_id: uuid.UUID | None
) -> None:
    if account is None:
        return
    holder = await repository.cadre_with_account(
        session, jurisdiction, account, other_than=cadre_id
    )
    if holder is not None:
        raise Conflict(
            f"平台账号 {account} 已属于人员 {holder.code}（{holder.name}）",
            f"Account {account} already belongs to cadre {holder.code}",
            field="account",
            code="duplicate-account",
        )


def _set_posts(session: AsyncSession, cadre_id: uuid.UUID, posts: Sequence[CadrePostIn]) -> None:
    for p in posts:
        session.add(
            CadrePost(
                cadre_id=cadre_id,
                org_id=p.org_id,
                title=p.title,
                started_on=p.started_on,
                ended_on=p.ended_on,
            )
        )


def _set_relatives(
    session: AsyncSession, cadre_id: uuid.UUID, relatives: Sequence[CadreRelativeIn]
) -> None:
    for r in relatives:
        session.add(CadreRelative(cadre_id=cadre_id, org_id=r.org_id, relation=r.relation))


async def create_cadre(
    session: AsyncSession, *, data: CadreCreate, actor: Principal, now: datetime
) -> Cadre:
    """Add a cadre, with posts and relatives, to the actor's pool."""
    require_office(actor)
    jurisdiction = actor.jurisdiction
    await repository.lock_pool(session, jurisdiction)
    if await repository.get_cadre_by_code(session, jurisdiction, data.code) is not None:
        raise Conflict(
            f"人员编码 {data.code} 已被使用",
            f"Cadre code {data.code} is already used",
            field="code",
            code="duplicate-code",
        )
    await _check_account(session, jurisdiction, data.account, None)
    orgs = await _orgs(
        session,
        unit_org_id=data.unit_org_id,
        home_township_id=data.home_township_id,
        posts=data.posts,
        relatives=data.relatives,
    )
    unit_name = data.unit_name or (orgs[data.unit_org_id].name if data.unit_org_id else None)
    if unit_name is None:
        raise Unprocessable(
            "请填写工作单位或工作单位编号",
            "Give the unit's name or its org id",
            field="unit_name",
            code="unit-required",
        )
    cadre = Cadre(
        id=uuid.uuid4(),
        jurisdiction=jurisdiction,
        code=data.code,
        name=data.name,
        account=data.account,
        unit_org_id=data.unit_org_id,
        unit_name=unit_name,
        specialties=[s.value for s in data.specialties],
        home_township_id=data.home_township_id,
        available=data.available,
        phone=data.phone,
        created_at=now,
        updated_at=now,
    )
    session.add(cadre)
    await session.flush()
    _set_posts(session, cadre.id, data.posts)
    _set_relatives(session, cadre.id, data.relatives)
    await session.flush()
    return cadre


def _post_key(p: CadrePost | CadrePostIn) -> tuple[Any, ...]:
    return (p.org_id, p.title, p.started_on, p.ended_on)


def _relative_key(r: CadreRelative | CadreRelativeIn) -> tuple[Any, ...]:
    return (r.org_id, r.relation)


async def update_cadre(
    session: AsyncSession,
    *,
    cadre_id: uuid.UUID,
    data: CadreUpdate,
    expected_version: int,
    actor: Principal,
    now: datetime,
) -> Cadre:
    """Change a cadre of the actor's pool (optimistic concurrency on ``version``)."""
    require_office(actor)
    # The pool lock before the row lock, in the same order as imports take them.
    await repository.lock_pool(session, actor.jurisdiction)
    cadre = await get_cadre_for(session, cadre_id=cadre_id, actor=actor, for_update=True)
    check_version(cadre.version, expected_version)
    changes = data.model_dump(exclude_unset=True, exclude={"posts", "relatives"})
    if "account" in changes:
        await _check_account(session, cadre.jurisdiction, changes["account"], cadre.id)
    orgs = await _orgs(
        session,
        unit_org_id=changes.get("unit_org_id"),
        home_township_id=changes.get("home_township_id"),
        posts=data.posts or [],
        relatives=data.relatives or [],
    )
    if changes.get("unit_org_id") is not None and "unit_name" not in changes:
        changes["unit_name"] = orgs[changes["unit_org_id"]].name
    if "specialties" in changes:
        changes["specialties"] = [str(s) for s in changes["specialties"]]
    changed = {k: v for k, v in changes.items() if getattr(cadre, k) != v}
    for key, value in changed.items():
        setattr(cadre, key, value)
    posts = await repository.posts_of(session, [cadre.id])
    relatives = await repository.relatives_of(session, [cadre.id])
    new_posts = data.posts is not None and sorted(map(_post_key, data.posts)) != sorted(
        map(_post_key, posts[cadre.id])
    )
    new_relatives = data.relatives is not None and sorted(
        map(_relative_key, data.relatives)
    ) != sorted(map(_relative_key, relatives[cadre.id]))
    if new_posts or new_relatives:
        await repository.delete_posts_and_relatives(
            session, [cadre.id], posts=new_posts, relatives=new_relatives
        )
        _set_posts(session, cadre.id, data.posts if new_posts and data.posts else [])
        _set_relatives(
            session, cadre.id, data.relatives if new_relatives and data.relatives else []
        )
    if changed or new_posts or new_relatives:
        cadre.version += 1
        cadre.updated_at = now
        await session.flush()
    return cadre


async def read_cadres(session: AsyncSession, cadres: Sequence[Cadre]) -> list[CadreRead]:
    """The API view of cadres, with their posts, relatives and org names."""
    ids = [c.id for c in cadres]
    posts = await repository.posts_of(session, ids)
    relatives = await repository.relatives_of(session, ids)
    org_ids = {c.home_township_id for c in cadres}
    for c in cadres:
        org_ids |= {p.org_id for p in posts[c.id]} | {r.org_id for r in relatives[c.id]}
    orgs = await repository.orgs_by_id(session, org_ids)
    return [
        CadreRead(
            id=c.id,
            jurisdiction=c.jurisdiction,
            code=c.code,
            name=c.name,
            unit_org_id=c.unit_org_id,
            unit_name=c.unit_name,
            specialties=c.specialties,
            home_township_id=c.home_township_id,
            home_township_name=orgs[c.home_township_id].name if c.home_township_id else None,
            available=c.available,
            account=c.account,
            phone=c.phone,
            posts=[
                CadrePostRead(
                    id=p.id,
                    org_id=p.org_id,
                    org_name=orgs[p.org_id].name,
                    org_jurisdiction=orgs[p.org_id].jurisdiction,
                    title=p.title,
                    started_on=p.started_on,
                    ended_on=p.ended_on,
                )
                for p in posts[c.id]
            ],
            relatives=[
                CadreRelativeRead(
                    id=r.id, org_id=r.org_id, org_name=orgs[r.org_id].name, relation=r.relation
                )
                for r in relatives[c.id]
            ],
            version=c.version,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )
        for c in cadres
    ]


def pool_to_list(
    actor: Principal, jurisdiction: str | None, hierarchy: JurisdictionHierarchy
) -> str:
    """The pool a list reads: the actor's, or one registered under his jurisdiction (404
    otherwise)."""
    require_reader(actor)
    wanted = jurisdiction or actor.jurisdiction
    if not pool_readable(actor, wanted, hierarchy):
        raise NotFound("没有该地区的人才库", "No such pool", field="jurisdiction")
    return wanted


# --- the avoidance window ---------------------------------------------------------------------


def settings_read(jurisdiction: str, setting: AvoidanceSetting | None) -> AvoidanceSettingsRead:
    if setting is None:
        return AvoidanceSettingsRead(
            jurisdiction=jurisdiction, former_unit_years=DEFAULT_FORMER_UNIT_YEARS, is_default=True
        )
    return AvoidanceSettingsRead(
        jurisdiction=jurisdiction,
        former_unit_years=setting.former_unit_years,
        is_default=False,
        version=setting.version,
        updated_at=setting.updated_at,
        updated_by=setting.updated_by,
    )


async def get_settings(session: AsyncSession, *, actor: Principal) -> AvoidanceSettingsRead:
    require_reader(actor)
    setting = await repository.get_setting(session, actor.jurisdiction)
    return settings_read(actor.jurisdiction, setting)


async def put_settings(
    session: AsyncSession,
    *,
    data: AvoidanceSettingsUpdate,
    expected_version: int | None,
    actor: Principal,
    now: datetime,
) -> AvoidanceSettingsRead:
    """Set the jurisdiction's avoidance window; changing an existing one needs If-Match."""
    require_office(actor)
    jurisdiction = actor.jurisdiction
    await repository.lock_setting(session, jurisdiction)
    setting = await repository.get_setting(session, jurisdiction)
    if setting is None:
        setting = AvoidanceSetting(
            jurisdiction=jurisdiction,
            former_unit_years=data.former_unit_years,
            updated_at=now,
            updated_by=actor.subject,
        )
        session.add(setting)
    else:
        if expected_version is None:
            raise PreconditionRequired(
                "修改回避设置须带 If-Match 请求头（上次读取的 ETag）",
                "Changing the settings needs an If-Match header with the ETag you read",
                field="If-Match",
            )
        check_version(setting.version, expected_version)
        if setting.former_unit_years != data.former_unit_years:
            setting.former_unit_years = data.former_unit_years
            setting.version += 1
            setting.updated_at = now
            setting.updated_by = actor.subject
    await session.flush()
    return settings_read(jurisdiction, setting)

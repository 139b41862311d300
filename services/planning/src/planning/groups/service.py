"""Inspection groups (巡察组) of a round and their members. Keyword-only arguments; they
flush, never commit.

A cadre is in at most one group per round. A cross group (交叉巡察) draws its members from
the pool of a jurisdiction under the round's committee; other groups from the committee's
own pool. Every new member is screened for avoidance against the group's tasks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import JurisdictionHierarchy, Principal
from xuncha_shared.events.planning import GroupFormed, GroupMemberInfo, GroupMembershipChanged
from xuncha_shared.messaging import emit
from xuncha_shared.problems import Conflict, NotFound, Unprocessable

from planning.groups import repository, screening
from planning.groups.schemas import CandidateRead, GroupCreate, GroupRead, MemberIn, MemberRead
from planning.models import Cadre, GroupMember, InspectionGroup, Round
from planning.pool import access
from planning.pool import repository as pool_repository
from planning.pool.domain import GroupRole


async def _eligible(
    session: AsyncSession,
    *,
    round_: Round,
    pool: str,
    members: Sequence[MemberIn],
    field: str,
) -> dict[uuid.UUID, Cadre]:
    """The cadres of ``members``: in the group's pool, available, in no group of the round."""
    cadres = await pool_repository.cadres_by_id(session, [m.cadre_id for m in members])
    for i, m in enumerate(members):
        where = field.format(i=i)
        cadre = cadres.get(m.cadre_id)
        if cadre is None or cadre.jurisdiction != pool:
            raise Unprocessable(
                f"{pool} 的人才库中没有该人员",
                f"No such cadre in the pool of {pool}",
                field=where,
                code="not-in-pool",
            )
        if not cadre.available:
            raise Unprocessable(
                f"{cadre.name}（{cadre.code}）目前不可抽调",
                f"{cadre.name} ({cadre.code}) is not available",
                field=where,
                code="cadre-unavailable",
            )
    taken = await repository.groups_of_cadres(session, round_.id, list(cadres))
    for i, m in enumerate(members):
        group = taken.get(m.cadre_id)
        if group is not None:
            cadre = cadres[m.cadre_id]
            raise Conflict(
                f"{cadre.name}（{cadre.code}）已在本轮的{group.name}中，一人一轮只能参加一个巡察组",
                f"{cadre.name} ({cadre.code}) is already in {group.name} this round; "
                "a cadre joins one group per round",
                field=field.format(i=i),
                code="cadre-in-another-group",
            )
    return cadres


def _info(member: GroupMember, cadre: Cadre) -> GroupMemberInfo:
    return GroupMemberInfo(
        cadre_id=cadre.id, name=cadre.name, role=GroupRole(member.role), account=cadre.account
    )


async def _snapshot(
    session: AsyncSession, round_: Round, group: InspectionGroup
) -> dict[str, object]:
    members = (await repository.members_of(session, [group.id]))[group.id]
    return {
        "jurisdiction": round_.jurisdiction,
        "round_id": round_.id,
        "group_id": group.id,
        "name": group.name,
        "inspecting_jurisdiction": access.managing_jurisdiction(round_),
        "source_jurisdiction": group.source_jurisdiction,
        "members": tuple(_info(m, c) for m, c in members),
        "version": group.version,
    }


async def form_group(
    session: AsyncSession,
    *,
    round_id: uuid.UUID,
    data: GroupCreate,
    actor: Principal,
    now: datetime,
    hierarchy: JurisdictionHierarchy,
) -> InspectionGroup:
    """Form a group for a round from the pool and emit ``group.formed``."""
    round_ = await access.round_to_manage(session, round_id, actor)
    manager = access.managing_jurisdiction(round_)
    source = data.source_jurisdiction if data.source_jurisdiction != manager else None
    if source is not None and not hierarchy.is_registered_child(source, manager):
        raise Unprocessable(
            f"交叉巡察组须从本级党委所辖地区抽调组员，{source} 不在 {manager} 之下",
            f"A cross group draws on a jurisdiction registered under {manager}; {source} is not",
            field="source_jurisdiction",
            code="source-not-under-committee",
        )
    leaders = [m for m in data.members if m.role == GroupRole.leader]
    if len(leaders) != 1:
        raise Unprocessable(
            f"巡察组须有且只有一名组长（现有 {len(leaders)} 名）",
            f"A group needs exactly one leader (has {len(leaders)})",
            field="members",
            code="one-leader-required",
        )
    seen: set[uuid.UUID] = set()
    for i, m in enumerate(data.members):
        if m.cadre_id in seen:
            raise Unprocessable(
                "同一人员在组员中出现了两次",
                "A cadre is listed twice",
                field=f"members.{i}.cadre_id",
                code="duplicate-member",
            )
        seen.add(m.cadre_id)
    if await repository.group_named(session, round_.id, data.name):
        raise Conflict(
            f"本轮已有名为“{data.name}”的巡察组",
            f"The round already has a group named {data.name}",
            field="name",
            code="duplicate-name",
        )
    pool = source or manager
    await _eligible(
        session, round_=round_, pool=pool, members=data.members, field="members.{i}.cadre_id"
    )
    group = InspectionGroup(
        id=uuid.uuid4(),
        round_id=round_.id,
        name=data.name,
        source_jurisdiction=source,
        created_at=now,
    )
    session.add(group)
    await session.flush()
    session.add_all(
        GroupMember(group_id=group.id, cadre_id=m.cadre_id, round_id=round_.id, role=m.role.value)
        for m in data.members
    )
    await session.flush()
    await emit(session, GroupFormed.model_validate(await _snapshot(session, round_, group)))
    return group


async def _changed(
    session: AsyncSession,
    round_: Round,
    group: InspectionGroup,
    *,
    change: str,
    cadre_id: uuid.UUID,
    role: GroupRole | None,
    previous: GroupRole | None,
    now: datetime,
) -> None:
    group.version += 1
    await session.flush()
    snapshot = await _snapshot(session, round_, group)
    await emit(
        session,
        GroupMembershipChanged.model_validate(
            {
                **snapshot,
                "change": change,
                "cadre_id": cadre_id,
                "role": role,
                "previous_role": previous,
            }
        ),
    )


async def _demote_leader(
    session: AsyncSession, round_: Round, group: InspectionGroup, now: datetime
) -> None:
    """Make the current leader a member (a new one is being appointed)."""
    for member, _ in (await repository.members_of(session, [group.id]))[group.id]:
        if member.role == GroupRole.leader:
            member.role = GroupRole.member.value
            await _changed(
                session, round_, group, change="role_changed", cadre_id=member.cadre_id,
                role=GroupRole.member, previous=GroupRole.leader, now=now,
            )  # fmt: skip


async def add_member(
    session: AsyncSession, *, group_id: uuid.UUID, data: MemberIn, actor: Principal, now: datetime
) -> InspectionGroup:
    """Add a pool member to a group after screening him against the group's tasks.

    Raises :class:`~planning.groups.screening.AvoidanceRefused` (with the checks flushed)
    when he must stand aside from one of them.
    """
    round_, group = await access.group_to_manage(session, group_id, actor)
    pool = access.pool_jurisdiction(round_, group)
    cadres = await _eligible(session, round_=round_, pool=pool, members=[data], field="cadre_id")
    cadre = cadres[data.cadre_id]
    orgs = await repository.orgs_of_group(session, group.id)
    violations = await screening.screen(
        session, round_=round_, cadres=[cadre], orgs=orgs, actor=actor, now=now
    )
    if violations:
        raise await screening.refusal(
            session, round_=round_, group=group, violations=violations, refused=[cadre],
            orgs=orgs, field="cadre_id", now=now,
        )  # fmt: skip
    if data.role == GroupRole.leader:
        await _demote_leader(session, round_, group, now)
    session.add(
        GroupMember(group_id=group.id, cadre_id=cadre.id, round_id=round_.id, role=data.role.value)
    )
    await _changed(
        session, round_, group, change="added", cadre_id=cadre.id, role=data.role,
        previous=None, now=now,
    )  # fmt: skip
    return group


async def _member(
    session: AsyncSession, group: InspectionGroup, cadre_id: uuid.UUID
) -> GroupMember:
    member = await repository.get_member(session, group.id, cadre_id)
    if member is None:
        raise NotFound(
            "该人员不是本组成员", "The cadre is not a member of this group", field="cadre_id"
        )
    return member


def _leader_stays(cadre_id: uuid.UUID) -> Conflict:
    return Conflict(
        "组长不能直接移出或降职：请先任命新组长",
        "The leader cannot be removed or demoted; appoint a new leader first",
        field="cadre_id",
        code="leader-required",
    )


async def change_role(
    session: AsyncSession,
    *,
    group_id: uuid.UUID,
    cadre_id: uuid.UUID,
    role: GroupRole,
    actor: Principal,
    now: datetime,
) -> InspectionGroup:
    """Change a member's role; appointing a leader makes the previous leader a member."""
    round_, group = await access.group_to_manage(session, group_id, actor)
    member = await _member(session, group, cadre_id)
    previous = GroupRole(member.role)
    if previous == role:
        return group
    if previous == GroupRole.leader:
        raise _leader_stays(cadre_id)
    if role == GroupRole.leader:
        await _demote_leader(session, round_, group, now)
    member.role = role.value
    await _changed(
        session, round_, group, change="role_changed", cadre_id=cadre_id, role=role,
        previous=previous, now=now,
    )  # fmt: skip
    return group


async def remove_member(
    session: AsyncSession,
    *,
    group_id: uuid.UUID,
    cadre_id: uuid.UUID,
    actor: Principal,
    now: datetime,
) -> InspectionGroup:
    """Take a member out of a group (never its leader: appoint another first)."""
    round_, group = await access.group_to_manage(session, group_id, actor)
    member = await _member(session, group, cadre_id)
    previous = GroupRole(member.role)
    if previous == GroupRole.leader:
        raise _leader_stays(cadre_id)
    await session.delete(member)
    await _changed(
        session, round_, group, change="removed", cadre_id=cadre_id, role=None,
        previous=previous, now=now,
    )  # fmt: skip
    return group


async def read_groups(
    session: AsyncSession, round_: Round, groups: Sequence[InspectionGroup]
) -> list[GroupRead]:
    ids = [g.id for g in groups]
    members = await repository.members_of(session, ids)
    counts = await repository.assignment_counts(session, ids)
    return [
        GroupRead(
            id=g.id,
            round_id=g.round_id,
            name=g.name,
            source_jurisdiction=g.source_jurisdiction,
            pool_jurisdiction=access.pool_jurisdiction(round_, g),
            cross=g.source_jurisdiction is not None,
            members=[
                MemberRead(
                    cadre_id=c.id,
                    code=c.code,
                    name=c.name,
                    unit_name=c.unit_name,
                    specialties=c.specialties,
                    role=GroupRole(m.role),
                )
                for m, c in members[g.id]
            ],
            assignments=counts[g.id],
            version=g.version,
            created_at=g.created_at,
        )
        for g in groups
    ]


async def candidates(
    session: AsyncSession,
    *,
    group_id: uuid.UUID,
    specialties: Sequence[str],
    actor: Principal,
    now: datetime,
    limit: int,
) -> list[CandidateRead]:
    """Pool members who could join a group for all of its tasks, best match first."""
    round_, group = await access.group_to_read(session, group_id, actor)
    orgs = await repository.orgs_of_group(session, group.id)
    return await screening.candidates_for(
        session, round_=round_, group=group, orgs=orgs, wanted=specialties, now=now, limit=limit
    )

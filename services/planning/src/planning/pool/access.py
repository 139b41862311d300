"""Who may do what with pools, groups and assignments, record by record.

* The office (巡察办) manages its jurisdiction's pool, and the groups and tasks of the
  rounds its committee sends groups for; the leadership group (领导小组) reads them.
* A round is managed by the committee whose groups inspect: ``inspecting_jurisdiction``
  for escalated rounds (提级巡察), else the round's own. Both committees read it.
* A city office reads the pools of the counties registered under it (settings
  ``jurisdiction_parents``, see :func:`xuncha_shared.auth.covers`), because it draws cross
  groups (交叉巡察) from them; never a jurisdiction whose code merely begins with its own.
* A group member (token subject = the cadre's account) reads only his own rounds' tasks.
* Departments, inspected orgs and leaders have no business here: 403. Records of another
  jurisdiction are as good as missing: 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, JurisdictionHierarchy, Principal, Role, covers
from xuncha_shared.problems import Conflict, NotFound

from planning.config import PlanningSettings
from planning.groups import repository as groups_repository
from planning.models import InspectionGroup, Round
from planning.pool.domain import CLOSED_STAGES

READERS = (Role.office, Role.leadership)


def require_office(principal: Principal) -> Principal:
    """Only the office changes the pool, groups and tasks."""
    if not principal.has(Role.office):
        raise Forbidden(
            "只有巡察办可以管理人才库、巡察组和巡察任务",
            "Only the inspection office manages the talent pool, groups and assignments",
            code="office_required",
        )
    return principal


def require_reader(principal: Principal) -> Principal:
    """The office and the leadership group read the pool, groups and checks."""
    if not principal.has(*READERS):
        raise Forbidden(
            "只有巡察办和巡察工作领导小组可以查看人才库和巡察组",
            "Only the inspection office and the leadership group read the pool and groups",
            code="reader_required",
        )
    return principal


def hierarchy_of(request: Request) -> JurisdictionHierarchy:
    """The registered parent links of this deployment (none unless configured)."""
    settings = request.app.state.runtime.settings
    if isinstance(settings, PlanningSettings):
        return settings.jurisdiction_hierarchy
    return JurisdictionHierarchy()


Hierarchy = Annotated[JurisdictionHierarchy, Depends(hierarchy_of)]


def pool_readable(
    principal: Principal, jurisdiction: str, hierarchy: JurisdictionHierarchy
) -> bool:
    """Its own pool, or the pool of a county registered under it (a city reads its
    counties' to draw cross groups)."""
    return covers(principal, jurisdiction, hierarchy)


def managing_jurisdiction(round_: Round) -> str:
    """The committee whose office forms the round's groups and assigns its tasks."""
    return round_.inspecting_jurisdiction or round_.jurisdiction


def round_readable(principal: Principal, round_: Round) -> bool:
    return principal.jurisdiction in {round_.jurisdiction, managing_jurisdiction(round_)}


def pool_jurisdiction(round_: Round, group: InspectionGroup) -> str:
    """Where a group's members come from: the source of a cross group, else the managers."""
    return group.source_jurisdiction or managing_jurisdiction(round_)


def _no_round() -> NotFound:
    return NotFound("巡察轮次不存在", "No such round", field="round_id")


async def round_to_read(session: AsyncSession, round_id: uuid.UUID, principal: Principal) -> Round:
    """A round the office or leadership may read."""
    require_reader(principal)
    round_ = await groups_repository.get_round(session, round_id)
    if round_ is None or not round_readable(principal, round_):
        raise _no_round()
    return round_


async def round_to_manage(
    session: AsyncSession, round_id: uuid.UUID, principal: Principal
) -> Round:
    """A round whose groups and tasks the caller's office may change, locked until commit.

    The office of the inspected committee reads an escalated round but does not run it
    (403); from the report stage on, groups and tasks are fixed (409).
    """
    require_office(principal)
    round_ = await groups_repository.get_round(session, round_id, for_update=True)
    if round_ is None or not round_readable(principal, round_):
        raise _no_round()
    manager = managing_jurisdiction(round_)
    if principal.jurisdiction != manager:
        raise Forbidden(
            f"本轮巡察由 {manager} 党委派出巡察组，只有其巡察办可以调整巡察组和任务",
            f"The groups of this round are sent by committee {manager}; only its office "
            "changes them",
            code="not_managing_office",
        )
    if round_.status in {s.value for s in CLOSED_STAGES}:
        raise Conflict(
            "本轮巡察已进入报告阶段，巡察组和巡察任务不能再调整",
            "The round has reached its report stage; groups and assignments are fixed",
            field="round_id",
            code="round-closed-for-changes",
        )
    return round_


async def group_to_read(
    session: AsyncSession, group_id: uuid.UUID, principal: Principal
) -> tuple[Round, InspectionGroup]:
    require_reader(principal)
    group = await groups_repository.get_group(session, group_id)
    round_ = await groups_repository.get_round(session, group.round_id) if group else None
    if group is None or round_ is None or not round_readable(principal, round_):
        raise NotFound("巡察组不存在", "No such group", field="group_id")
    return round_, group


async def group_to_manage(
    session: AsyncSession, group_id: uuid.UUID, principal: Principal
) -> tuple[Round, InspectionGroup]:
    """A group the caller's office may change, with its round locked."""
    require_office(principal)
    group = await groups_repository.get_group(session, group_id)
    if group is None:
        raise NotFound("巡察组不存在", "No such group", field="group_id")
    try:
        round_ = await round_to_manage(session, group.round_id, principal)
    except NotFound as exc:
        raise NotFound("巡察组不存在", "No such group", field="group_id") from exc
    return round_, group


async def member_groups(
    session: AsyncSession, principal: Principal, round_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """The groups the caller is a member of (through the pool cadre with his account)."""
    rows = await groups_repository.memberships_of_account(
        session, account=principal.subject, jurisdiction=principal.jurisdiction, round_id=round_id
    )
    return [member.group_id for member, _ in rows]


async def assignment_scope(
    session: AsyncSession, round_id: uuid.UUID, principal: Principal
) -> tuple[Round, list[uuid.UUID] | None]:
    """The round and the groups whose tasks the caller may list (None: all of them)."""
    if principal.has(*READERS):
        return await round_to_read(session, round_id, principal), None
    if not principal.has(Role.group):
        require_reader(principal)
    round_ = await groups_repository.get_round(session, round_id)
    if round_ is None:
        raise _no_round()
    groups = await member_groups(session, principal, round_id)
    if groups:
        return round_, groups
    if round_readable(principal, round_):
        raise Forbidden(
            "巡察组成员只能查看本人所在巡察组的任务",
            "A group member sees only the assignments of his own group",
            code="not_a_member",
        )
    raise _no_round()

"""Who sees and does what with plans and tasks (authorization per record).

* the office and the leadership group: everything of their jurisdiction (read);
* discipline and organization (the supervisors): everything of their jurisdiction, and
  they accept or reject done claims;
* an inspected org (``org`` claim = the plan's org): its own plans and tasks, which it
  fills in, reports on and claims done;
* an inspected township (温县: the township's direct responsibility for its villages): also
  reads the plans and tasks of the villages and communities whose parent it is, and reminds
  them (催办); it never fills them in;
* a county leader: the tasks he owns (领办: ``owner_account`` = his token's subject) and
  the plans that hold them; and, read only, every plan and task of his sector (the orgs
  whose leader in charge, 分管县领导 in planning's registry, is his account);
* anyone else: 403. Records a caller may not see are as good as missing (404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlmodel import col
from xuncha_shared.auth import Forbidden, Principal, Role

from rectification.models import ORGS
from rectification.plans.models import Plan, Task

JURISDICTION_WIDE = frozenset({Role.office, Role.leadership, Role.discipline, Role.organization})
SUPERVISORS = frozenset({Role.discipline, Role.organization})
# The kinds of org a township answers for directly (its villages and communities).
UNDER_TOWNSHIP = ("village", "community")


@dataclass(frozen=True)
class Access:
    """What a caller may read."""

    jurisdiction: str
    everything: bool
    org_id: uuid.UUID | None
    account: str | None


def access_for(principal: Principal) -> Access:
    """The caller's read access; 403 for roles that never see rectification."""
    everything = principal.has(*JURISDICTION_WIDE)
    org = principal.org_uuid if principal.has(Role.inspected) else None
    account = principal.subject if principal.has(Role.leader) else None
    if not everything and org is None and account is None:
        if principal.has(Role.inspected):
            raise Forbidden(
                "被巡察党组织账号须注明所属单位（org）",
                "An inspected org's account needs its org (the org claim)",
                code="no-org",
            )
        raise Forbidden(
            "整改情况仅向巡察办、领导小组、纪委监委、组织部、被巡察党组织和领办领导开放",
            "Rectification is open to the office, leadership, discipline, organization, "
            "the inspected org and the owning leader",
        )
    return Access(
        jurisdiction=principal.jurisdiction, everything=everything, org_id=org, account=account
    )


def in_sector(access: Access, org_id: Mapped[uuid.UUID]) -> ColumnElement[bool]:
    """The org is in the caller's sector: his account is its leader in charge (分管)."""
    if access.account is None:
        return false()
    sector = ORGS.alias("sector")  # queries that join the orgs too must not correlate it
    return exists(
        select(sector.c.id).where(
            sector.c.id == org_id,
            sector.c.jurisdiction == access.jurisdiction,
            sector.c.leader_account == access.account,
        )
    )


def villages_of(jurisdiction: str, township_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """The ids of the villages and communities under a township (none for any other org)."""
    township = ORGS.alias("township")
    return select(ORGS.c.id).where(
        ORGS.c.jurisdiction == jurisdiction,
        ORGS.c.parent_id == township_id,
        ORGS.c.kind.in_(UNDER_TOWNSHIP),
        exists(
            select(township.c.id).where(
                township.c.id == township_id,
                township.c.jurisdiction == jurisdiction,
                township.c.kind == "township",
            )
        ),
    )


def visible_tasks(access: Access) -> ColumnElement[bool]:
    """The tasks the caller may see."""
    clauses: list[ColumnElement[bool]] = []
    mine = col(Task.jurisdiction) == access.jurisdiction
    if access.everything:
        clauses.append(mine)
    if access.org_id is not None:
        clauses.append(and_(mine, col(Task.org_id) == access.org_id))
        clauses.append(
            and_(mine, col(Task.org_id).in_(villages_of(access.jurisdiction, access.org_id)))
        )
    if access.account is not None:
        clauses.append(and_(mine, col(Task.owner_account) == access.account))
        clauses.append(and_(mine, in_sector(access, col(Task.org_id))))
    return or_(*clauses) if clauses else false()


def visible_plans(access: Access) -> ColumnElement[bool]:
    """The plans the caller may see: a leader those holding a task he owns and his
    sector's."""
    clauses: list[ColumnElement[bool]] = []
    mine = col(Plan.jurisdiction) == access.jurisdiction
    if access.everything:
        clauses.append(mine)
    if access.org_id is not None:
        clauses.append(and_(mine, col(Plan.org_id) == access.org_id))
        clauses.append(
            and_(mine, col(Plan.org_id).in_(villages_of(access.jurisdiction, access.org_id)))
        )
    if access.account is not None:
        clauses.append(
            and_(
                mine,
                exists(
                    select(col(Task.id)).where(
                        col(Task.plan_id) == col(Plan.id),
                        col(Task.owner_account) == access.account,
                    )
                ),
            )
        )
        clauses.append(and_(mine, in_sector(access, col(Plan.org_id))))
    return or_(*clauses) if clauses else false()


def is_own_org(principal: Principal, *, jurisdiction: str, org_id: uuid.UUID) -> bool:
    """Whether the caller speaks for the inspected org of a plan or task."""
    return (
        principal.has(Role.inspected)
        and principal.jurisdiction == jurisdiction
        and principal.org_uuid == org_id
    )


def require_own_org(principal: Principal, *, jurisdiction: str, org_id: uuid.UUID) -> None:
    """403 unless the caller is the inspected org itself."""
    if not is_own_org(principal, jurisdiction=jurisdiction, org_id=org_id):
        raise Forbidden(
            "只有被巡察党组织本身可以填报和修改本单位的整改事项",
            "Only the inspected org itself fills in and changes its rectification",
        )


def require_supervisor(principal: Principal, *, jurisdiction: str) -> None:
    """403 unless the caller is discipline or organization of the record's jurisdiction."""
    if not (principal.has(*SUPERVISORS) and principal.jurisdiction == jurisdiction):
        raise Forbidden(
            "只有本辖区纪委监委或组织部可以验收整改任务",
            "Only discipline or organization of the jurisdiction accept rectification",
        )


async def reminding_org(
    session: AsyncSession, principal: Principal, task: Task
) -> uuid.UUID | None:
    """Who may remind an org of a task (催办): the office of its jurisdiction (None), or the
    township the task's village or community answers to (its org id); anyone else 403."""
    if principal.jurisdiction == task.jurisdiction:
        if principal.has(Role.office):
            return None
        township = principal.org_uuid if principal.has(Role.inspected) else None
        if township is not None:
            under = await session.scalar(
                select(ORGS.c.id).where(
                    ORGS.c.id == task.org_id,
                    ORGS.c.id.in_(villages_of(task.jurisdiction, township)),
                )
            )
            if under is not None:
                return township
    raise Forbidden(
        "只有巡察办或村（社区）所属乡镇可以催办整改任务",
        "Only the office or the village's township may remind it of a task",
    )

"""Who sees and does what with plans and tasks (authorization per record).

* the office and the leadership group: everything of their jurisdiction (read);
* discipline and organization (the supervisors): everything of their jurisdiction, and
  they accept or reject done claims;
* an inspected org (``org`` claim = the plan's org): its own plans and tasks, which it
  fills in, reports on and claims done;
* an inspected township (温县: the township's direct responsibility for its villages): also
  reads the plans and tasks of the villages and communities whose parent it is, and reminds
  them (催办); it never fills them in;
* the office of the jurisdiction: decides the org's change requests (调整申请) on what was
  decided on a task (``change_requests/``);
* a county leader: the tasks he owns (领办: ``owner_account`` = his token's subject) and
  the plans that hold them; and, read only, every plan and task of his sector (the orgs
  whose leader in charge, 分管县领导 in planning's registry, is his account);
* anyone else: 403. Records a caller may not see are as good as missing (404).

The SQL of these rules (which plans and tasks a caller sees) is in ``access/repository.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.auth import Forbidden, Principal, Role

from rectification.access import repository
from rectification.plans.models import Task

JURISDICTION_WIDE = frozenset({Role.office, Role.leadership, Role.discipline, Role.organization})
SUPERVISORS = frozenset({Role.discipline, Role.organization})


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


def require_office(principal: Principal, *, jurisdiction: str) -> None:
    """403 unless the caller is the inspection office of the record's jurisdiction."""
    if not (principal.has(Role.office) and principal.jurisdiction == jurisdiction):
        raise Forbidden(
            "只有本辖区巡察办可以审批整改任务的调整申请",
            "Only the inspection office of the jurisdiction decides change requests",
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
        if township is not None and await repository.under_township(
            session, jurisdiction=task.jurisdiction, township_id=township, org_id=task.org_id
        ):
            return township
    raise Forbidden(
        "只有巡察办或村（社区）所属乡镇可以催办整改任务",
        "Only the office or the village's township may remind it of a task",
    )

"""Who sees which consultation and which answer (authorization per record).

* the office and the leadership group: everything of their jurisdiction;
* a department (its people or its system's service account): the requests addressed to its
  own org, and all their answers;
* a member of an inspection group (token subject = ``cadres.account``): the requests of the
  rounds he serves in, and only the answers about orgs assigned to his group;
* inspected orgs and county leaders: nothing (403).

Records a caller may not see are as good as missing (404); other jurisdictions too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from xuncha_shared.auth import DEPARTMENT_ROLES, Forbidden, Principal, Role

from planning.consultation.models import Consultation

READ_ROLES = frozenset({Role.office, Role.leadership, Role.group, *DEPARTMENT_ROLES})


@dataclass(frozen=True)
class Access:
    """What a caller may read (``repository.visible_consultations`` and
    ``answers.repository.visible_answers`` turn it into SQL conditions)."""

    jurisdiction: str
    everything: bool
    department_org_id: uuid.UUID | None
    account: str | None


def access_for(principal: Principal) -> Access:
    """The caller's read access; 403 for roles that never see consultations."""
    if not principal.has(*READ_ROLES):
        raise Forbidden(
            "巡前函询情况仅向巡察办、巡察组和被函询部门开放",
            "Consultations are open to the office, inspection groups and the departments asked",
        )
    department = principal.org_uuid if principal.has(*DEPARTMENT_ROLES) else None
    everything = principal.has(Role.office, Role.leadership)
    account = principal.subject if principal.has(Role.group) else None
    if not everything and department is None and account is None:
        raise Forbidden(
            "部门账号须注明所属单位（org）才能查看函询",
            "A department account needs its org (the org claim) to see consultations",
            code="no-department-org",
        )
    return Access(
        jurisdiction=principal.jurisdiction,
        everything=everything,
        department_org_id=department,
        account=account,
    )


def answers_department(principal: Principal, consultation: Consultation) -> bool:
    """Whether the caller speaks for the department a consultation is addressed to."""
    return (
        principal.has(*DEPARTMENT_ROLES)
        and principal.jurisdiction == consultation.jurisdiction
        and principal.org_uuid == consultation.department_org_id
    )

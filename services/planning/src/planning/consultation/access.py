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
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlmodel import col
from xuncha_shared.auth import DEPARTMENT_ROLES, Forbidden, Principal, Role

from planning.consultation.models import Consultation, ConsultationOrg
from planning.models import Assignment, Cadre, GroupMember

READ_ROLES = frozenset({Role.office, Role.leadership, Role.group, *DEPARTMENT_ROLES})


@dataclass(frozen=True)
class Access:
    """What a caller may read, as SQL conditions build from it."""

    jurisdiction: str
    everything: bool
    department_org_id: uuid.UUID | None
    account: str | None


def _org_uuid(principal: Principal) -> uuid.UUID | None:
    if principal.org_id is None:
        return None
    try:
        return uuid.UUID(principal.org_id)
    except ValueError:
        return None


def access_for(principal: Principal) -> Access:
    """The caller's read access; 403 for roles that never see consultations."""
    if not principal.has(*READ_ROLES):
        raise Forbidden(
            "巡前函询情况仅向巡察办、巡察组和被函询部门开放",
            "Consultations are open to the office, inspection groups and the departments asked",
        )
    department = _org_uuid(principal) if principal.has(*DEPARTMENT_ROLES) else None
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
        and _org_uuid(principal) == consultation.department_org_id
    )


def _member_of(access: Access, round_id: Any) -> ColumnElement[bool]:
    """The caller's cadre record is in a group of the round."""
    return exists(
        select(col(GroupMember.cadre_id))
        .join(Cadre, col(Cadre.id) == col(GroupMember.cadre_id))
        .where(
            col(GroupMember.round_id) == round_id,
            col(Cadre.account) == access.account,
            col(Cadre.jurisdiction) == access.jurisdiction,
        )
    )


def _own_department(access: Access) -> ColumnElement[bool]:
    return and_(
        col(Consultation.jurisdiction) == access.jurisdiction,
        col(Consultation.department_org_id) == access.department_org_id,
    )


def visible_consultations(access: Access) -> ColumnElement[bool]:
    """The consultations the caller may see."""
    clauses: list[ColumnElement[bool]] = []
    if access.everything:
        clauses.append(col(Consultation.jurisdiction) == access.jurisdiction)
    if access.department_org_id is not None:
        clauses.append(_own_department(access))
    if access.account is not None:
        clauses.append(_member_of(access, col(Consultation.round_id)))
    return or_(*clauses) if clauses else false()


def visible_answers(access: Access) -> ColumnElement[bool]:
    """The (consultation, org) rows the caller may see: a group member only those about
    orgs assigned to his own group in the consultation's round."""
    clauses: list[ColumnElement[bool]] = []
    if access.everything:
        clauses.append(col(Consultation.jurisdiction) == access.jurisdiction)
    if access.department_org_id is not None:
        clauses.append(_own_department(access))
    if access.account is not None:
        clauses.append(
            exists(
                select(col(Assignment.id))
                .join(GroupMember, col(GroupMember.group_id) == col(Assignment.group_id))
                .join(Cadre, col(Cadre.id) == col(GroupMember.cadre_id))
                .where(
                    col(Assignment.round_id) == col(Consultation.round_id),
                    col(Assignment.org_id) == col(ConsultationOrg.org_id),
                    col(Cadre.account) == access.account,
                    col(Cadre.jurisdiction) == access.jurisdiction,
                )
            )
        )
    return or_(*clauses) if clauses else false()

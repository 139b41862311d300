"""The SQL of who sees what: the condition that keeps a caller to the problems he may read
(``access/policy.py`` says who may read which)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlmodel import col
from xuncha_shared.auth import Principal, Role

from findings.access.policy import OVERSIGHT
from findings.models import ASSIGNMENTS
from findings.problems.models import Problem


def member_groups(account: str) -> ColumnElement[bool]:
    """``group_id IN (groups of account)`` as a subquery condition on problems."""
    m = ASSIGNMENTS.members
    return col(Problem.group_id).in_(select(m.c.group_id).where(m.c.account == account))


def problem_visibility(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the problems ``principal`` may read."""
    parts: list[ColumnElement[bool]] = []
    if principal.has(*OVERSIGHT):
        parts.append(col(Problem.jurisdiction) == principal.jurisdiction)
    if principal.has(Role.group):
        parts.append(member_groups(principal.subject))
    org = principal.org_uuid
    if principal.has(Role.inspected) and org is not None:
        parts.append(
            and_(
                col(Problem.org_id) == org,
                or_(
                    col(Problem.fed_back_at).is_not(None), col(Problem.handed_over_at).is_not(None)
                ),
            )
        )
    return or_(*parts) if parts else false()

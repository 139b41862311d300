"""Who a caller is: the roles of DOMAIN.md and the authenticated :class:`Principal`."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["DEPARTMENT_ROLES", "Principal", "Role"]


class Role(StrEnum):
    """Who a caller is, in the ubiquitous language of DOMAIN.md ("Who uses it")."""

    office = "office"
    """巡察办: plans terms and rounds, runs the clue ledger, follows rectification."""
    leadership = "leadership"
    """巡察工作领导小组 / 书记专题会: approves plans, classifications, reports."""
    group = "group"
    """巡察组: records problems and writes reports for its own assignments."""
    discipline = "discipline"
    """纪委监委 and 派驻纪检监察组: consultations, clues, supervision of rectification."""
    organization = "organization"
    """组织部: consultations on cadres, 选人用人 clues, the promotion check."""
    department = "department"
    """Other departments (审计局, 信访局, 公安局, 宣传部 …)."""
    inspected = "inspected"
    """被巡察党组织: claims feedback, plans and reports rectification."""
    leader = "leader"
    """分管县级领导 / 领办领导: owns a rectification problem, is copied on common problems."""
    service = "service"
    """A department system's service account (a machine acting for a department)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name users see for this role."""
        return _ROLE_LABELS_ZH[self]


_ROLE_LABELS_ZH: Mapping[Role, str] = {
    Role.office: "巡察办",
    Role.leadership: "巡察工作领导小组",
    Role.group: "巡察组",
    Role.discipline: "纪委监委",
    Role.organization: "组织部",
    Role.department: "职能部门",
    Role.inspected: "被巡察党组织",
    Role.leader: "分管县级领导",
    Role.service: "部门系统服务账号",
}

#: Roles that stand for a department; a service account must carry at least one of them.
DEPARTMENT_ROLES: frozenset[Role] = frozenset({Role.discipline, Role.organization, Role.department})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request.

    ``org_id`` is the org the caller belongs to (an inspected org's id, a department's
    org id) or ``None``; ``jurisdiction`` is the code of the committee whose work the
    caller takes part in (e.g. ``"410825"`` for 温县).
    """

    subject: str
    name: str
    roles: frozenset[Role]
    org_id: str | None
    jurisdiction: str
    is_service_account: bool
    #: When the caller's token expires (its ``exp``): what the caller was let in for ends
    #: there, a long-lived answer such as a live stream included. ``None``: no token.
    expires_at: datetime | None = None

    def has(self, *roles: Role) -> bool:
        """Whether the caller has at least one of ``roles`` (``False`` when none given)."""
        return not self.roles.isdisjoint(roles)

    @property
    def org_uuid(self) -> uuid.UUID | None:
        """The caller's org as an id; None when the token names none, or one that does not
        parse (such a token can own no record)."""
        if self.org_id is None:
            return None
        try:
            return uuid.UUID(self.org_id)
        except ValueError:
            return None

    def in_jurisdiction(self, j: str) -> bool:
        """Whether records of jurisdiction ``j`` are in the caller's jurisdiction.

        An exact match: escalated (提级) and cross (交叉) inspection reach other
        jurisdictions through per-record rules in the services, not through this check.
        """
        return self.jurisdiction == j

    def seconds_left(self, now: datetime) -> float | None:
        """Seconds until the token expires (never negative); ``None`` without an expiry."""
        if self.expires_at is None:
            return None
        return max(0.0, (self.expires_at - now).total_seconds())

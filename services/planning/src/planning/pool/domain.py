"""Vocabulary of the talent pool, groups and assignments (DOMAIN.md, Planning).

The group roles and village approaches travel in events, so they are defined once in the
event catalog and re-exported here.
"""

from __future__ import annotations

from enum import StrEnum

from xuncha_shared.events.planning import GroupRole, RoundStatus, VillageApproach

__all__ = [
    "APPROACH_LABELS_ZH",
    "CLOSED_STAGES",
    "DEFAULT_FORMER_UNIT_YEARS",
    "MAX_FORMER_UNIT_YEARS",
    "ROLE_LABELS_ZH",
    "SPECIALTY_LABELS_ZH",
    "GroupRole",
    "Specialty",
    "VillageApproach",
]


class Specialty(StrEnum):
    """A cadre's field of expertise in the talent pool (专业领域, 001, 002)."""

    discipline = "discipline"
    finance_audit = "finance_audit"
    agriculture = "agriculture"
    organization = "organization"
    law = "law"
    publicity = "publicity"
    engineering = "engineering"
    petition = "petition"
    social_affairs = "social_affairs"


SPECIALTY_LABELS_ZH: dict[Specialty, str] = {
    Specialty.discipline: "纪检监察",
    Specialty.finance_audit: "财务审计",
    Specialty.agriculture: "农业农村",
    Specialty.organization: "组织人事",
    Specialty.law: "法律",
    Specialty.publicity: "宣传思想",
    Specialty.engineering: "工程建设",
    Specialty.petition: "信访",
    Specialty.social_affairs: "民政社保",
}

ROLE_LABELS_ZH: dict[GroupRole, str] = {
    GroupRole.leader: "组长",
    GroupRole.deputy: "副组长",
    GroupRole.member: "组员",
}

APPROACH_LABELS_ZH: dict[VillageApproach, str] = {
    VillageApproach.direct: "直接巡",
    VillageApproach.extended: "延伸巡",
    VillageApproach.research: "调研巡",
}

# From the report stage on, the groups and their tasks are history: findings, reports and
# feedback refer to them, so they no longer change.
CLOSED_STAGES = frozenset(
    {RoundStatus.reporting, RoundStatus.feedback, RoundStatus.rectifying, RoundStatus.closed}
)

DEFAULT_FORMER_UNIT_YEARS = 5
"""How long a former post bars a cadre from inspecting that org, unless the jurisdiction
sets its own window (PUT /avoidance-settings)."""
MAX_FORMER_UNIT_YEARS = 30

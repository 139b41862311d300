"""The kinds of organization being inspected (被巡察对象), shared by every service."""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    """An org's kind, as in DOMAIN.md."""

    township = "township"
    department = "department"
    village = "village"
    community = "community"
    enterprise = "enterprise"
    institution = "institution"


ORG_KIND_LABELS_ZH: dict[OrgKind, str] = {
    OrgKind.township: "乡镇(街道)",
    OrgKind.department: "县(市)直单位",
    OrgKind.village: "村",
    OrgKind.community: "社区",
    OrgKind.enterprise: "国有企业",
    OrgKind.institution: "事业单位",
}

# Villages and communities sit under a township (or sub-district); they are inspected with it
# or directly, so their parent must be one.
GRASSROOTS_KINDS = frozenset({OrgKind.village, OrgKind.community})


class DepartmentDesignation(StrEnum):
    """What a county department is for (职能), where the registry says so: the recipients of
    clues are found by it (a discipline clue goes to the department designated
    ``discipline``). Only departments carry one; it is empty where not yet set."""

    discipline = "discipline"
    """纪委监委"""
    organization = "organization"
    """组织部"""
    publicity = "publicity"
    """宣传部"""
    audit = "audit"
    """审计局"""
    petitions = "petitions"
    """信访局"""
    police = "police"
    """公安局"""
    other = "other"
    """其他部门"""


DEPARTMENT_DESIGNATION_LABELS_ZH: dict[DepartmentDesignation, str] = {
    DepartmentDesignation.discipline: "纪委监委",
    DepartmentDesignation.organization: "组织部",
    DepartmentDesignation.publicity: "宣传部",
    DepartmentDesignation.audit: "审计局",
    DepartmentDesignation.petitions: "信访局",
    DepartmentDesignation.police: "公安局",
    DepartmentDesignation.other: "其他部门",
}

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

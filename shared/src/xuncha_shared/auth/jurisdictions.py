"""Which jurisdictions a caller covers: its own, and a registered child where a rule allows.

Jurisdictions are administrative division codes (GB/T 2260), but a code's prefix is not a
hierarchy: "4101" is not the parent of "41011" or "410199" because their digits begin alike,
and a committee's reach must never follow from how codes happen to be spelled. The parent
links are data (:class:`JurisdictionHierarchy`, from the service's settings): a city covers a
county only when that county is registered as its child, and only for the rules that say so
(a city office reads its counties' talent pools, draws cross groups from them and inspects
their orgs in escalated rounds). A link is one level: a province does not cover a county
through a city.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from xuncha_shared.auth.roles import Principal

__all__ = ["JurisdictionHierarchy", "covers"]


@dataclass(frozen=True)
class JurisdictionHierarchy:
    """The registered parent of each child jurisdiction (``{"410825": "4108"}``)."""

    parents: Mapping[str, str] = field(default_factory=dict)

    def parent_of(self, jurisdiction: str) -> str | None:
        return self.parents.get(jurisdiction)

    def is_registered_child(self, child: str, parent: str) -> bool:
        """Whether ``child`` is registered directly under ``parent`` (never by its code)."""
        return child != parent and self.parents.get(child) == parent


def covers(principal: Principal, jurisdiction: str, hierarchy: JurisdictionHierarchy) -> bool:
    """Whether ``principal`` covers ``jurisdiction``: its own, or a child registered under
    its own in ``hierarchy``. Callers use it only where a rule lets a parent reach its
    children; everywhere else a caller sees its own jurisdiction only
    (:meth:`Principal.in_jurisdiction`)."""
    return principal.jurisdiction == jurisdiction or hierarchy.is_registered_child(
        jurisdiction, principal.jurisdiction
    )

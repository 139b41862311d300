"""The problem list (问题清单): categories a problem may have, per jurisdiction and org kind.

Defaults follow DOMAIN.md (Findings); a jurisdiction's office adds categories, renames
them, narrows them to some org kinds or hides them. The effective list is the defaults
overlaid by the jurisdiction's rows, matched by code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from xuncha_shared.orgs import OrgKind
from xuncha_shared.problems import Unprocessable

from findings.categories import repository

_ALL: tuple[OrgKind, ...] = ()
_GRASSROOTS = (OrgKind.village, OrgKind.community, OrgKind.township)


@dataclass(frozen=True)
class Category:
    """One entry of the effective problem list."""

    code: str
    name: str
    org_kinds: tuple[OrgKind, ...]
    sort_order: int
    active: bool = True
    is_default: bool = True

    def applies_to(self, kind: OrgKind) -> bool:
        return not self.org_kinds or kind in self.org_kinds


DEFAULT_CATEGORIES: tuple[Category, ...] = tuple(
    Category(code, name, kinds, i * 10)
    for i, (code, name, kinds) in enumerate(
        [
            ("party_leadership", "党的领导", _ALL),
            ("party_building", "党的建设", _ALL),
            ("strict_governance", "全面从严治党", _ALL),
            ("four_winds", "四风", _ALL),
            ("village_assets", "三资管理", _GRASSROOTS),
            ("benefit_policies", "惠民政策", _GRASSROOTS),
            ("living_environment", "人居环境", _GRASSROOTS),
            ("cadre_selection", "选人用人", _ALL),
            ("ideology", "意识形态", _ALL),
            ("funds_gap", "资金拨付落实", _ALL),
            ("other", "其他", _ALL),
        ],
        start=1,
    )
)


async def effective_categories(session: AsyncSession, jurisdiction: str) -> list[Category]:
    """The jurisdiction's problem list, active and hidden entries alike, in display order."""
    merged = {c.code: c for c in DEFAULT_CATEGORIES}
    rows = await repository.categories(session, jurisdiction)
    for row in rows:
        merged[row.code] = Category(
            code=row.code,
            name=row.name,
            org_kinds=tuple(OrgKind(k) for k in row.org_kinds),
            sort_order=row.sort_order,
            active=row.active,
            is_default=False,
        )
    return sorted(merged.values(), key=lambda c: (c.sort_order, c.code))


def pick_category(
    categories: list[Category], *, code: str, org_kind: OrgKind, field: str = "category"
) -> Category:
    """The active category ``code`` for an org of ``org_kind``; 422 naming ``field``."""
    for c in categories:
        if c.code == code and c.active:
            if not c.applies_to(org_kind):
                raise Unprocessable(
                    f"问题类别“{c.name}”不适用于该类被巡察对象",
                    f"Category {code!r} does not apply to orgs of kind {org_kind.value}",
                    field=field,
                    code="category-not-applicable",
                )
            return c
    raise Unprocessable(
        f"问题清单中没有类别“{code}”",
        f"Unknown problem category {code!r}",
        field=field,
        code="unknown-category",
    )


async def resolve_category(
    session: AsyncSession, *, jurisdiction: str, code: str, org_kind: OrgKind
) -> Category:
    """The active category ``code`` of the jurisdiction's list; 422 naming ``category``."""
    categories = await effective_categories(session, jurisdiction)
    return pick_category(categories, code=code, org_kind=org_kind)

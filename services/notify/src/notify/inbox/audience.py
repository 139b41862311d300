"""Who reads an inbox: an account sees items for its account, for its org (token ``org``)
when meant for one of its roles, and for each of its roles in its jurisdiction
(``repository.visible_to`` says it in SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from xuncha_shared.auth import Principal


@dataclass(frozen=True)
class Viewer:
    """An inbox owner: a signed-in principal, or a person of the directory (for digests)."""

    account: str
    org_id: str | None
    roles: frozenset[str]
    jurisdiction: str

    @classmethod
    def of(cls, principal: Principal) -> Viewer:
        return cls(
            account=principal.subject,
            org_id=principal.org_id,
            roles=frozenset(r.value for r in principal.roles),
            jurisdiction=principal.jurisdiction,
        )

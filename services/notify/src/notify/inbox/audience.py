"""Who an inbox item is for, as SQL: an account sees items for its account, for its org
(token ``org``) and for each of its roles in its jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import col
from xuncha_shared.auth import Principal

from notify.inbox.models import AUDIENCE_ACCOUNT, AUDIENCE_ORG, AUDIENCE_ROLE, Notification


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


def visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """Notifications addressed to ``viewer``."""
    kind, value = col(Notification.audience_kind), col(Notification.audience_value)
    by_org: ColumnElement[bool] = (
        and_(kind == AUDIENCE_ORG, value == viewer.org_id.lower()) if viewer.org_id else false()
    )
    return and_(
        col(Notification.in_inbox).is_(True),
        or_(
            and_(kind == AUDIENCE_ACCOUNT, value == viewer.account),
            by_org,
            and_(
                kind == AUDIENCE_ROLE,
                value.in_(sorted(viewer.roles)),
                col(Notification.jurisdiction) == viewer.jurisdiction,
            ),
        ),
    )

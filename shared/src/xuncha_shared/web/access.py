"""Role checks as dependencies, all on :func:`xuncha_shared.auth.require_roles`.

``office: Annotated[Principal, roles_allowed(Role.office, why=("只有巡察办可以…", "Only …"))]``
admits the office and answers anyone else 403 with the reason given (or a generic one).
Checks on a record (its jurisdiction, its org, its group) stay in the feature's service,
where the record is read.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends

from xuncha_shared.auth import Role, require_roles
from xuncha_shared.http import current_principal


def roles_allowed(*roles: Role, why: tuple[str, str] | None = None) -> Any:
    """``Depends`` admitting only callers with one of ``roles``; ``why`` is the refusal's
    Chinese and English message."""
    return Depends(require_roles(*roles, principal=current_principal, why=why))

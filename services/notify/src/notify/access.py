"""Route-level role checks shared by the areas; per-record checks live with each area."""

from __future__ import annotations

import uuid

from fastapi import Request
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.problems import ProblemDetail

from notify.config import NotifySettings

# PostgreSQL text cannot hold NUL: refuse it (and other control characters in names) as
# invalid input instead of failing in the database.
NO_NUL = r"^[^\x00]*$"
PLAIN = r"^[^\x00-\x1f\x7f]*$"

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ProblemDetail, "description": "未登录"},
    403: {"model": ProblemDetail, "description": "无权限"},
    404: {"model": ProblemDetail, "description": "不存在或无权查看"},
    422: {"model": ProblemDetail, "description": "输入有误"},
}
VERSIONED: dict[int | str, dict[str, object]] = {
    412: {"model": ProblemDetail, "description": "已被他人修改"},
    428: {"model": ProblemDetail, "description": "缺少 If-Match"},
}


def office_of(principal: Principal, what_zh: str, what_en: str) -> Principal:
    """Only the inspection office (of the caller's own jurisdiction) may do this."""
    if not principal.has(Role.office):
        raise Forbidden(f"只有巡察办可以{what_zh}", f"Only the inspection office may {what_en}")
    return principal


def office_or_leadership(principal: Principal, what_zh: str, what_en: str) -> Principal:
    if not principal.has(Role.office, Role.leadership):
        raise Forbidden(
            f"只有巡察办和领导小组可以{what_zh}",
            f"Only the inspection office and the leadership may {what_en}",
        )
    return principal


def org_uuid(principal: Principal) -> uuid.UUID | None:
    """The caller's org as an id, if its token carries one that parses."""
    if principal.org_id is None:
        return None
    try:
        return uuid.UUID(principal.org_id)
    except ValueError:
        return None


def settings_of(request: Request) -> NotifySettings:
    """The running service's settings."""
    settings = request.app.state.runtime.settings
    assert isinstance(settings, NotifySettings)
    return settings

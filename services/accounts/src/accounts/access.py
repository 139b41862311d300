"""What the routes share: the settings, the caller's address, the documented answers."""

from __future__ import annotations

from fastapi import Request
from xuncha_shared.auth import Forbidden, Principal, Role
from xuncha_shared.problems import ProblemDetail

from accounts.config import AccountsSettings

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ProblemDetail, "description": "未登录"},
    403: {"model": ProblemDetail, "description": "无权限"},
    404: {"model": ProblemDetail, "description": "不存在或无权查看"},
    422: {"model": ProblemDetail, "description": "输入有误"},
}


def settings_of(request: Request) -> AccountsSettings:
    settings = request.app.state.runtime.settings
    assert isinstance(settings, AccountsSettings)
    return settings


def address_of(request: Request) -> str:
    """The address a sign-in came from, as this process saw it."""
    return request.client.host if request.client else "-"


def office_of(principal: Principal, what_zh: str, what_en: str) -> Principal:
    """Only the inspection office (of the caller's own jurisdiction) may do this."""
    if not principal.has(Role.office):
        raise Forbidden(f"只有巡察办可以{what_zh}", f"Only the inspection office may {what_en}")
    return principal

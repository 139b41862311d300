"""The problem+json entries of a route's OpenAPI ``responses``, worded once.

``router = APIRouter(tags=[...], responses=ERRORS)``; a versioned write adds
``responses=VERSIONED | conflict("函询已办结或状态不允许")``; an export ``responses=XLSX``.
"""

from __future__ import annotations

from typing import Any

from xuncha_shared.exports import XLSX_RESPONSES
from xuncha_shared.problems import ProblemDetail

Responses = dict[int | str, dict[str, Any]]

DESCRIPTIONS: dict[int, str] = {
    401: "未登录",
    403: "无权限",
    404: "不存在或无权查看",
    409: "状态不允许",
    412: "已被他人修改",
    422: "输入有误",
    428: "缺少 If-Match",
}


def problem_responses(*statuses: int) -> Responses:
    """problem+json entries for ``statuses``, each with its usual description."""
    return {s: {"model": ProblemDetail, "description": DESCRIPTIONS[s]} for s in statuses}


def conflict(description: str) -> Responses:
    """The 409 of a write the record's state may refuse, saying which states."""
    return {409: {"model": ProblemDetail, "description": description}}


def not_found(description: str) -> Responses:
    """The 404 of a router whose records are found by more than visibility (say, in the
    caller's jurisdiction), saying so."""
    return {404: {"model": ProblemDetail, "description": description}}


ERRORS: Responses = problem_responses(401, 403, 404, 422)
"""What any route of a router may answer."""

VERSIONED: Responses = problem_responses(412, 428)
"""What a write with ``If-Match`` may answer besides :data:`ERRORS`."""

XLSX: Responses = XLSX_RESPONSES
"""An export's 200: an XLSX workbook."""

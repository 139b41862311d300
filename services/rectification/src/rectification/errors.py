"""Error responses the routes document."""

from __future__ import annotations

from xuncha_shared.problems import ProblemDetail

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ProblemDetail, "description": "未登录"},
    403: {"model": ProblemDetail, "description": "无权限"},
    404: {"model": ProblemDetail, "description": "不存在或无权查看"},
    422: {"model": ProblemDetail, "description": "输入有误"},
}
VERSIONED: dict[int | str, dict[str, object]] = {
    409: {"model": ProblemDetail, "description": "状态不允许"},
    412: {"model": ProblemDetail, "description": "已被他人修改"},
    428: {"model": ProblemDetail, "description": "缺少 If-Match"},
}

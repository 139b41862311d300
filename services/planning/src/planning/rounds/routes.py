"""HTTP routes: 届、轮次与全覆盖 Terms, rounds and coverage."""

from __future__ import annotations

from fastapi import APIRouter
from xuncha_shared.problems import ProblemDetail

from planning.rounds import round_routes, term_routes

router = APIRouter(
    tags=["rounds"],
    responses={
        401: {"model": ProblemDetail, "description": "未登录"},
        403: {"model": ProblemDetail, "description": "无权限"},
        404: {"model": ProblemDetail, "description": "不存在或不属于本辖区"},
        422: {"model": ProblemDetail, "description": "输入有误"},
    },
)
router.include_router(term_routes.router)
router.include_router(round_routes.router)

"""Accounts HTTP routes, one router per area."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from xuncha_shared.projections import projected_orgs_router

from accounts.clients import routes as client_routes
from accounts.keys import routes as keys_routes
from accounts.models import ORGS
from accounts.people import routes as people_routes
from accounts.policies import routes as policy_routes
from accounts.signin import routes as signin_routes
from accounts.sso import routes as sso_routes

OPENAPI_TAGS: list[dict[str, Any]] = [
    {
        "name": "sign-in",
        "description": "登录：账号密码、刷新令牌、退出、设置密码、两步验证、当前登录人",
    },
    {
        "name": "accounts",
        "description": "账号管理：巡察办开通、修改、停用、启用账号，生成一次性设置码",
    },
    {"name": "service-accounts", "description": "服务账号：部门系统以客户端凭证取得令牌"},
    {"name": "orgs", "description": "被巡察对象（本服务副本），用于核对账号所属单位"},
    {"name": "keys", "description": "令牌签发方：公钥（JWKS）与元数据"},
]


def build_routers() -> list[APIRouter]:
    return [
        signin_routes.router,
        sso_routes.router,
        people_routes.router,
        policy_routes.router,
        client_routes.router,
        projected_orgs_router(ORGS),
        keys_routes.router,
    ]

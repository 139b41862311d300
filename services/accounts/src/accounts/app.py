"""账号服务 Accounts: 账号、密码登录与令牌签发。"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.bus.base import Bus
from xuncha_shared.clock import Clock

from accounts.config import AccountsSettings, get_settings
from accounts.handlers import build_handlers
from accounts.models import MESSAGING, SCHEMA
from accounts.routes import OPENAPI_TAGS, build_routers

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def spec() -> ServiceSpec:
    return ServiceSpec(
        name=SCHEMA,
        title="账号服务 Accounts",
        description="人员账号与登录：巡察办开通和停用账号，本人凭一次性设置码设置密码，"
        "账号密码登录（可开启两步验证），签发各服务共同验证的访问令牌并公布验证公钥。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(),
        openapi_tags=OPENAPI_TAGS,
    )


def create_app(
    settings: AccountsSettings | None = None, *, clock: Clock | None = None, bus: Bus | None = None
) -> FastAPI:
    return create_service_app(spec(), settings or get_settings(), clock=clock, bus=bus)

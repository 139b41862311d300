"""通知服务 Notify: 站内消息、签名 Webhook 与电子邮件：需要办理的事项准确送达，仅一次。"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.bus.base import Bus
from xuncha_shared.clock import Clock

from notify.config import NotifySettings, get_settings
from notify.handlers import build_handlers
from notify.models import MESSAGING, SCHEMA
from notify.routes import build_routers

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def spec() -> ServiceSpec:
    return ServiceSpec(
        name=SCHEMA,
        title="通知服务 Notify",
        description="站内消息、签名 Webhook 与电子邮件：需要办理的事项准确送达，仅一次。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(),
    )


def create_app(
    settings: NotifySettings | None = None, *, clock: Clock | None = None, bus: Bus | None = None
) -> FastAPI:
    return create_service_app(spec(), settings or get_settings(), clock=clock, bus=bus)

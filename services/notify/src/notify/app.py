"""通知服务 Notify: 站内消息、签名 Webhook 与电子邮件：需要办理的事项准确送达，仅一次。"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.bus.base import Bus
from xuncha_shared.clock import Clock

from notify.config import NotifySettings, get_settings
from notify.delivery.jobs import dispatch_job
from notify.email.jobs import digest_job
from notify.handlers import build_handlers
from notify.models import MESSAGING, SCHEMA
from notify.routes import build_routers
from notify.webhooks.sealing import seal_clear_secrets_job

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def spec(settings: NotifySettings | None = None) -> ServiceSpec:
    settings = settings or get_settings()
    return ServiceSpec(
        name=SCHEMA,
        title="通知服务 Notify",
        description="站内消息、签名 Webhook 与电子邮件：需要办理的事项准确送达，仅一次。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(settings),
        # The digest first: a digest recorded in a run is sent by the same run.
        periodic=[
            seal_clear_secrets_job(settings),
            digest_job(settings),
            dispatch_job(settings),
        ],
        openapi_tags=[
            {"name": "inbox", "description": "站内消息 Inbox"},
            {"name": "rules", "description": "通知规则 Routing rules"},
            {"name": "directory", "description": "通讯录 Directory"},
            {"name": "webhooks", "description": "Webhook 订阅 Subscriptions"},
            {"name": "deliveries", "description": "投递记录与死信 Deliveries and dead letters"},
            {"name": "orgs", "description": "被巡察对象（本服务副本）Orgs"},
        ],
    )


def create_app(
    settings: NotifySettings | None = None, *, clock: Clock | None = None, bus: Bus | None = None
) -> FastAPI:
    settings = settings or get_settings()
    return create_service_app(spec(settings), settings, clock=clock, bus=bus)

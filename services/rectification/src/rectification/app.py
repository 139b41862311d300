"""整改服务 Rectification: 整改方案与任务、进展与验收、红黄牌预警、整改评估、干部任用必审。"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.bus.base import Bus
from xuncha_shared.clock import Clock

from rectification.cards.jobs import review_cards
from rectification.config import RectificationSettings, get_settings
from rectification.deadlines.jobs import warn_deadlines
from rectification.handlers import build_handlers
from rectification.models import MESSAGING, SCHEMA, load_all
from rectification.rating.jobs import rate_at_period_end
from rectification.routes import OPENAPI_TAGS, build_routers

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def spec() -> ServiceSpec:
    load_all()
    return ServiceSpec(
        name=SCHEMA,
        title="整改服务 Rectification",
        description="整改方案与任务、进展与验收、红黄牌预警、整改评估、干部任用必审。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(),
        periodic=[warn_deadlines, review_cards, rate_at_period_end],
        openapi_tags=OPENAPI_TAGS,
    )


def create_app(
    settings: RectificationSettings | None = None,
    *,
    clock: Clock | None = None,
    bus: Bus | None = None,
) -> FastAPI:
    return create_service_app(spec(), settings or get_settings(), clock=clock, bus=bus)

"""问题线索服务 Clues: 问题线索台账：研判、移交、签收、处置、办结与销号，对账与催办（保密）。"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.bus.base import Bus
from xuncha_shared.clock import Clock

from clues.chase.jobs import chase_job
from clues.config import CluesSettings, get_settings
from clues.handlers import build_handlers
from clues.models import MESSAGING, SCHEMA
from clues.routes import OPENAPI_TAGS, build_routers

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def spec(settings: CluesSettings | None = None) -> ServiceSpec:
    """The service's parts; the chase job is bound to the settings' default limits."""
    settings = settings or CluesSettings()
    return ServiceSpec(
        name=SCHEMA,
        title="问题线索服务 Clues",
        description="问题线索台账：研判、移交、签收、处置、办结与销号，对账与催办（保密）。"
        "线索内容（被反映人、反映的问题、证据）加密保存，只有巡察办和承办部门可看，每次查看记入审计日志。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(),
        periodic=[
            chase_job(
                settings.deadlines, issuer_short=settings.issuer_short, issuer=settings.issuer
            )
        ],
        openapi_tags=OPENAPI_TAGS,
    )


def create_app(
    settings: CluesSettings | None = None, *, clock: Clock | None = None, bus: Bus | None = None
) -> FastAPI:
    settings = settings or get_settings()
    return create_service_app(spec(settings), settings, clock=clock, bus=bus)

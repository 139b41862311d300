"""问题线索服务 Clues: 问题线索台账：研判、移交、签收、处置、办结与销号，对账与催办（保密）。"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.bus.base import Bus
from xuncha_shared.clock import Clock

from clues.config import CluesSettings, get_settings
from clues.handlers import build_handlers
from clues.models import MESSAGING, SCHEMA
from clues.routes import build_routers

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def spec() -> ServiceSpec:
    return ServiceSpec(
        name=SCHEMA,
        title="问题线索服务 Clues",
        description="问题线索台账：研判、移交、签收、处置、办结与销号，对账与催办（保密）。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(),
    )


def create_app(
    settings: CluesSettings | None = None, *, clock: Clock | None = None, bus: Bus | None = None
) -> FastAPI:
    return create_service_app(spec(), settings or get_settings(), clock=clock, bus=bus)

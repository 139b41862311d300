"""巡察发现服务 Findings.

发现问题、立行立改移交、信访举报受理、提醒函与建议书、共性问题、巡察报告与反馈。
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.bus.base import Bus
from xuncha_shared.clock import Clock

from findings.config import FindingsSettings, get_settings
from findings.handlers import build_handlers
from findings.models import MESSAGING, SCHEMA
from findings.routes import build_routers

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def spec() -> ServiceSpec:
    return ServiceSpec(
        name=SCHEMA,
        title="巡察发现服务 Findings",
        description="发现问题、立行立改移交、信访举报受理、提醒函与建议书、共性问题、巡察报告与反馈。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(),
    )


def create_app(
    settings: FindingsSettings | None = None, *, clock: Clock | None = None, bus: Bus | None = None
) -> FastAPI:
    return create_service_app(spec(), settings or get_settings(), clock=clock, bus=bus)

"""Planning service: orgs in scope, terms, rounds, groups, assignments, coverage."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from xuncha_shared.app import ServiceSpec, create_service_app
from xuncha_shared.bus.base import Bus
from xuncha_shared.clock import Clock

from planning.config import PlanningSettings, get_settings
from planning.consultation import jobs as consultation_jobs
from planning.handlers import build_handlers
from planning.models import MESSAGING, SCHEMA
from planning.routes import build_routers

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def spec() -> ServiceSpec:
    return ServiceSpec(
        name=SCHEMA,
        title="巡察计划服务 Planning",
        description="被巡察对象库、届与轮次、巡察组与人才库、任务分配、村分类、巡前函询、全覆盖进度。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(),
        periodic=[consultation_jobs.remind_consultations],
        openapi_tags=[
            {"name": "orgs", "description": "被巡察对象库 Orgs in scope"},
            {"name": "roster", "description": "领导班子名册 Leadership roster of inspected orgs"},
            {"name": "calendar", "description": "节假日安排与工作日期限 Holiday calendar"},
            {"name": "rounds", "description": "届、轮次与全覆盖 Terms, rounds and coverage"},
            {
                "name": "pool",
                "description": "人才库、巡察组与任务分配 Talent pool, groups, assignments",
            },
            {"name": "villages", "description": "村分类 Village classification"},
            {"name": "consultation", "description": "巡前函询 Pre-inspection consultation"},
            {"name": "figures", "description": "巡察成绩单 The office's figures"},
        ],
    )


def create_app(
    settings: PlanningSettings | None = None, *, clock: Clock | None = None, bus: Bus | None = None
) -> FastAPI:
    return create_service_app(spec(), settings or get_settings(), clock=clock, bus=bus)

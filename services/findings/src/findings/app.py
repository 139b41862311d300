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
from findings.jobs import build_jobs
from findings.models import MESSAGING, SCHEMA, load_all
from findings.routes import build_routers

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


TAGS = [
    {"name": "problems", "description": "发现问题：记录、立行立改移交、证据、批注、问题台账"},
    {"name": "funds", "description": "专项巡察资金“三个数据”比对"},
    {
        "name": "public-reports",
        "description": "巡察公告与群众来信来电来访：受理、回执查询、分办、转办",
    },
    {"name": "common-problems", "description": "共性问题归类"},
    {"name": "letters", "description": "提醒函、建议书、督办函"},
    {"name": "reports", "description": "巡察报告与综合报告：起草、纪委审核、书记专题会审定"},
    {"name": "feedback", "description": "巡察反馈"},
    {"name": "letter-templates", "description": "函件模板：下载、替换、恢复默认"},
    {"name": "settings", "description": "问题清单与本辖区设置"},
    {"name": "orgs", "description": "被巡察对象（本服务副本）"},
]


def spec() -> ServiceSpec:
    load_all()
    return ServiceSpec(
        name=SCHEMA,
        title="巡察发现服务 Findings",
        description="发现问题、立行立改移交、信访举报受理、提醒函与建议书、共性问题、巡察报告与反馈。",
        tables=MESSAGING,
        routers=build_routers(),
        handlers=build_handlers(),
        openapi_tags=TAGS,
        periodic=build_jobs(),
    )


def create_app(
    settings: FindingsSettings | None = None, *, clock: Clock | None = None, bus: Bus | None = None
) -> FastAPI:
    return create_service_app(spec(), settings or get_settings(), clock=clock, bus=bus)

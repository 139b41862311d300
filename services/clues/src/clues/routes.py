"""Clues HTTP routes: every feature package's router, in the order the docs show them
(the routers themselves are made in each feature's ``routes.py``)."""

from __future__ import annotations

from fastapi import APIRouter
from xuncha_shared.documents import letter_templates_router
from xuncha_shared.projections import projected_orgs_router

from clues.audit import routes as audit_routes
from clues.chase import routes as chase_routes
from clues.chase.letters import KINDS
from clues.figures import routes as figures_routes
from clues.ledger import routes as ledger_routes
from clues.models import ORGS, TEMPLATES
from clues.recipient import routes as recipient_routes
from clues.reconciliation import routes as reconciliation_routes
from clues.rotation import routes as rotation_routes

OPENAPI_TAGS = [
    {"name": "ledger", "description": "线索管理台账 The clue ledger"},
    {"name": "recipient", "description": "承办部门接口 Receiving department's API"},
    {"name": "chase", "description": "期限、提醒函、督办函与月度梳理 Deadlines and chasing"},
    {"name": "audit", "description": "审计日志 Audit log"},
    {"name": "figures", "description": "线索工作数据 Figures"},
    {"name": "letter-templates", "description": "提醒函、督办函模板 Letter templates"},
    {"name": "orgs", "description": "被巡察对象（本服务副本） Orgs"},
]


def build_routers() -> list[APIRouter]:
    return [
        projected_orgs_router(ORGS),
        ledger_routes.router,
        recipient_routes.router,
        reconciliation_routes.router,
        chase_routes.router,
        audit_routes.router,
        figures_routes.router,
        rotation_routes.router,
        letter_templates_router(TEMPLATES, kinds=KINDS),
    ]

"""Rectification HTTP routes, one router per area."""

from __future__ import annotations

from fastapi import APIRouter
from xuncha_shared.documents import letter_templates_router
from xuncha_shared.projections import projected_orgs_router

from rectification.accountability import routes as accountability
from rectification.batches import routes as batches
from rectification.cards import routes as cards
from rectification.change_requests import routes as change_requests
from rectification.circulars import routes as circulars
from rectification.circulars.document import KINDS as CIRCULAR_KINDS
from rectification.institutions import routes as institutions
from rectification.letters import routes as letters
from rectification.letters.service import KINDS as LETTER_KINDS
from rectification.models import LETTER_TEMPLATES, ORGS
from rectification.overdue import routes as overdue
from rectification.plans import routes as plans
from rectification.progress import routes as progress
from rectification.promotion import routes as promotion
from rectification.rating import routes as rating
from rectification.reminders import routes as reminders
from rectification.reports import routes as report
from rectification.rules import routes as rules

OPENAPI_TAGS = [
    {"name": "plans", "description": "整改方案、任务、整改报告、完成率与台账 Plans and tasks"},
    {"name": "change-requests", "description": "调整申请 Change requests on decided tasks"},
    {"name": "progress", "description": "整改进展、销号与验收 Progress and acceptance"},
    {"name": "cards", "description": "红黄牌预警 Warning cards"},
    {"name": "rating", "description": "量化评估 Rating"},
    {"name": "circulars", "description": "典型案例通报 Circulars of typical cases"},
    {"name": "accountability", "description": "追责问责 Accountability"},
    {"name": "promotion", "description": "干部任用必审 Promotion check"},
    {"name": "institutions", "description": "建章立制 Institutions built"},
    {"name": "rules", "description": "整改规则 Rules of the jurisdiction"},
    {"name": "letter-templates", "description": "文书模板 Letter templates"},
    {"name": "orgs", "description": "被巡察对象（本服务副本） Orgs"},
]


def build_routers() -> list[APIRouter]:
    return [
        plans.router,
        batches.router,
        report.router,
        progress.router,
        change_requests.router,
        reminders.router,
        institutions.router,
        cards.router,
        overdue.router,
        letters.router,
        letter_templates_router(LETTER_TEMPLATES, kinds={**LETTER_KINDS, **CIRCULAR_KINDS}),
        rating.router,
        circulars.router,
        accountability.router,
        promotion.router,
        rules.router,
        projected_orgs_router(ORGS),
    ]

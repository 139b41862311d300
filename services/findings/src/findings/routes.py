"""Findings HTTP routes, one router per area."""

from __future__ import annotations

from fastapi import APIRouter
from xuncha_shared.projections import projected_orgs_router

from findings.categories.routes import router as categories_router
from findings.commonality.routes import router as common_router
from findings.feedback.routes import router as feedback_router
from findings.funds.routes import router as funds_router
from findings.letters.routes import router as letters_router
from findings.letters.routes import templates_router
from findings.models import ORGS
from findings.problems.routes import router as problems_router
from findings.public_reports.routes import router as public_reports_router
from findings.reports.routes import router as reports_router
from findings.settings.routes import router as settings_router


def build_routers() -> list[APIRouter]:
    return [
        projected_orgs_router(ORGS),
        categories_router,
        settings_router,
        problems_router,
        funds_router,
        public_reports_router,
        reports_router,
        feedback_router,
        common_router,
        letters_router,
        templates_router,
    ]

"""Notify HTTP routes, one router per area."""

from __future__ import annotations

from fastapi import APIRouter
from xuncha_shared.projections import projected_orgs_router

from notify.delivery import routes as delivery_routes
from notify.directory import routes as directory_routes
from notify.inbox import routes as inbox_routes
from notify.models import ORGS
from notify.rules import routes as rules_routes
from notify.webhooks import routes as webhook_routes


def build_routers() -> list[APIRouter]:
    return [
        projected_orgs_router(ORGS),
        inbox_routes.router,
        rules_routes.router,
        directory_routes.router,
        webhook_routes.router,
        delivery_routes.router,
    ]

"""Planning's HTTP routes, one router per feature, in the order the documents list them."""

from __future__ import annotations

from fastapi import APIRouter

from planning.assignments import routes as assignments_routes
from planning.calendar import routes as calendar_routes
from planning.consultation import routes as consultation_routes
from planning.figures import routes as figures_routes
from planning.groups import routes as groups_routes
from planning.orgs import routes as orgs_routes
from planning.pool import routes as pool_routes
from planning.roster import routes as roster_routes
from planning.rounds import routes as rounds_routes
from planning.terms import routes as terms_routes
from planning.villages import routes as villages_routes


def build_routers() -> list[APIRouter]:
    return [
        orgs_routes.router,
        roster_routes.router,
        calendar_routes.router,
        terms_routes.router,
        rounds_routes.router,
        pool_routes.router,
        groups_routes.router,
        assignments_routes.router,
        villages_routes.router,
        consultation_routes.router,
        figures_routes.router,
    ]

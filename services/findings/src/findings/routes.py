"""Findings HTTP routes."""

from __future__ import annotations

from fastapi import APIRouter
from xuncha_shared.projections import projected_orgs_router

from findings.models import ORGS


def build_routers() -> list[APIRouter]:
    return [projected_orgs_router(ORGS)]
